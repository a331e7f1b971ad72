/**
 * The public model of the "Backup and Restore v2.0" specification: one immutable record per resource
 * and type, enumerations with their exact wire values, and the exception hierarchy. Every record
 * checks the rules of the specification in its constructor and reports all violations at once in an
 * {@link io.backupkit.api.InvalidInputException}. Absent optional fields are null unless the record's
 * javadoc says otherwise.
 */
package io.backupkit.api;
