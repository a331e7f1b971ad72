/**
 * The runnable service: {@code java -jar backupkit.jar serve --config backupkit.yaml} runs the engine,
 * its scheduler and the HTTP API from one YAML config file.
 */
package io.backupkit.server;
