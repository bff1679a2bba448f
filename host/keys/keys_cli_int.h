/* The keys commands (bttcd keys new|import|list), the signer's start-up unlock for
 * `bttcd run`, and where passwords come from: a file or the terminal without echo. */
#ifndef BTTCD_KEYS_CLI_INT_H
#define BTTCD_KEYS_CLI_INT_H

#include <stddef.h>

#include <bt/abi.h>

#include "cli_int.h"
#include "config_int.h"
#include "keys_int.h"

/** `bttcd keys new`, `keys import FILE`, `keys list`. Return the exit status (CLI_EXIT_*). */
int keys_cmd_new(const struct cli_opts *o);
int keys_cmd_import(const struct cli_opts *o);
int keys_cmd_list(const struct cli_opts *o);

/** For `bttcd run`: a signer over <datadir>/keystore with the keys of --unlock (else
 *  [signer] unlock) unlocked, passwords from --password-file (else [signer] password_file,
 *  else the terminal). Prints one error line on failure.
 *  Returns: CLI_EXIT_OK (*out set), CLI_EXIT_FAIL (a key missing or not unlocked), or
 *  CLI_EXIT_USAGE (a malformed --unlock address). */
int keys_signer_start(const struct cli_opts *o, const struct config *cfg, const char *datadir,
                      struct signer **out);

/** Line `index` of a password file (its last line when it has fewer; "\r\n" endings too).
 *  Returns: BT_OK (*out malloc'd, NUL-terminated: wipe with pw_free), BT_EIO / BT_ERANGE
 *           (err: "<file>: <reason>"), BT_EINVAL (the file is empty), BT_ENOMEM. */
bt_status pw_from_file(char **out, size_t *out_len, const char *path, size_t index, char *err,
                       size_t err_cap);
/** Ask on the controlling terminal with echo off.
 *  Returns: BT_OK (*out as pw_from_file), BT_ENOTSUP (no terminal), BT_EIO, BT_ENOMEM. */
bt_status pw_prompt(char **out, size_t *out_len, const char *prompt);
/** Wipe and free a password; NULL is ignored. */
void pw_free(char *pw, size_t len);

#endif /* BTTCD_KEYS_CLI_INT_H */
