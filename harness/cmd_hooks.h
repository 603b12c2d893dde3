/**
 * @file cmd_hooks.h  `referlab hooks`: the hook server as a command
 */
#ifndef REFERLAB_CMD_HOOKS_H
#define REFERLAB_CMD_HOOKS_H

int cmd_hooks(int argc, char **argv);

#endif
