/**
 * Built-in backup modules, one package each ({@code io.backupkit.modules.<name>}), each registered in
 * {@code META-INF/services}. They depend on backup-api only.
 */
package io.backupkit.modules;
