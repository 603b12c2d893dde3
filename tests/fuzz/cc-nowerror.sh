#!/bin/sh
# Compiler launcher for the fuzz build: clang warns about things gcc does
# not; those are the gcc build's business (-Werror there), so here a
# warning stays a warning. -Wno-error must come last to win.
exec "$@" -Wno-error
