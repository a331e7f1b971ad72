/** The {@code backupkit} command line, a client of the HTTP API (picocli). */
package io.backupkit.server.cli;
