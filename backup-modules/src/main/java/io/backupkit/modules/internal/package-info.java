/**
 * Helpers the built-in modules of this artifact share: errors that name the path and the OS reason, the
 * free-space check of a restore, and the restore journal. Not API: nothing outside backup-modules may use
 * them, and they change without notice.
 */
package io.backupkit.modules.internal;
