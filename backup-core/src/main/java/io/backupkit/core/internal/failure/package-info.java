/**
 * Whose a failure is. The streams and calls of each party (the server's connection, a client's upload,
 * the engine's own spool) are wrapped by a {@link io.backupkit.core.internal.failure.Blame}, which tags
 * their failures with a {@link io.backupkit.core.internal.failure.PartyFailure}; the tag survives being
 * wrapped by a module or carried across a pipe's thread.
 * {@link io.backupkit.core.internal.failure.Failures#classify} turns any failure into the
 * {@link io.backupkit.api.BackupException} the engine reports: the party's code, a module's failure for
 * what a module's own code threw, or {@code INTERNAL} (logged once, with its stack trace) for the rest.
 */
package io.backupkit.core.internal.failure;
