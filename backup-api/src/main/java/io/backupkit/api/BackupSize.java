package io.backupkit.api;

import java.util.List;

/**
 * A backup's size, in total and per module (type {@code backup_size}). Both are in kilobytes.
 *
 * @param totalSize the total size in kilobytes; not negative
 * @param dataSize the size of each module's data; never null, possibly empty
 */
public record BackupSize(long totalSize, List<ModuleSize> dataSize) {
    static final IntRange KILOBYTES = IntRange.of(0, Long.MAX_VALUE);

    public BackupSize {
        dataSize = Checker.copyOrNull(dataSize);
        Checker c = new Checker("backup_size");
        c.range("total_size", totalSize, KILOBYTES);
        c.required("data_size", dataSize);
        c.throwIfAny();
    }
}
