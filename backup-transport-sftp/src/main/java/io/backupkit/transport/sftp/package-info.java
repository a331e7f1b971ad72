/** The SFTP transport over sshj. It depends on backup-api only. */
package io.backupkit.transport.sftp;
