/* screen_cli.h — the `ombud screen ...` commands: replay, simulate,
 * evaluate and bench. Owns argument parsing, file IO, the progress bar and
 * the summaries; the screening itself is src/screen/. */
#ifndef OMBUD_APP_SCREEN_CLI_H
#define OMBUD_APP_SCREEN_CLI_H

/* argv[0] is "screen", argv[1] the subcommand. Returns the process exit
 * code: 0 success, 1 failure, 2 usage error. Main thread only. */
int app_screen_cli(int argc, char **argv);

#endif
