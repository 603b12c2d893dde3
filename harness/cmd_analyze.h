/**
 * @file cmd_analyze.h  `referlab analyze` and `referlab rules`
 */
#ifndef REFERLAB_CMD_ANALYZE_H
#define REFERLAB_CMD_ANALYZE_H

int cmd_analyze(int argc, char **argv);
int cmd_rules(int argc, char **argv);

#endif
