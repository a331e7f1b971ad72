/**
 * Built-in backup modules, one package each ({@code io.backupkit.modules.<name>}), each registered in
 * {@code META-INF/services}. They depend on backup-api and slf4j-api only, plus what a module itself needs.
 */
package io.backupkit.modules;
