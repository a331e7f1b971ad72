/**
 * What module and transport authors implement, and the helpers they call ({@link EntryNames}). Depends on
 * the JDK and {@code io.backupkit.api} only.
 */
package io.backupkit.spi;
