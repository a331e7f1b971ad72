/**
 * The specification's REST API ({@code /api/npm.backup/2.0/...}) over the JDK's
 * {@code com.sun.net.httpserver}: {@link io.backupkit.http.BackupHttpServer} serves one
 * {@link io.backupkit.core.BackupEngine}, every request authenticated with a bearer token.
 */
package io.backupkit.http;
