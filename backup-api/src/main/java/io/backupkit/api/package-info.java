/**
 * The public model of the "Backup and Restore v2.0" specification: one immutable record per resource
 * and type, enumerations with their exact wire values, and the exception hierarchy. Every record
 * checks the rules of the specification in its constructor and reports all violations at once in an
 * {@link io.backupkit.api.InvalidInputException}. Absent optional fields are null unless the record's
 * javadoc says otherwise.
 *
 * <p>Beside the specification's types, the bodies and answers of the HTTP API's actions, which the
 * specification leaves open ({@link io.backupkit.api.BackupRequest},
 * {@link io.backupkit.api.RestoreRequest}, {@link io.backupkit.api.HostKey},
 * {@link io.backupkit.api.AbortResult}, {@link io.backupkit.api.ServerCheck},
 * {@link io.backupkit.api.ApiError}): the server and its clients read and write them with the same
 * codec.
 */
package io.backupkit.api;
