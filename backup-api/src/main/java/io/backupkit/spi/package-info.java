/** What module and transport authors implement. Depends on the JDK and {@code io.backupkit.api} only. */
package io.backupkit.spi;
