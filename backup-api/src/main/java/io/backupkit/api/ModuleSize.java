package io.backupkit.api;

import java.util.Map;
import java.util.Set;

/**
 * One item of {@code backup_size.data_size}: the size of one module's data.
 *
 * @param module the module's short name; null when absent
 * @param size the size in <b>kilobytes</b> (as the spec says); null when absent, else not negative
 * @param properties extension properties ({@code <prop>: any}); never null, possibly empty
 */
public record ModuleSize(String module, Long size, Map<String, Object> properties) {
    static final Set<String> DECLARED = Set.of("module", "size");

    public ModuleSize {
        properties = Json.copyProperties(properties);
        Checker c = new Checker("data_size[]");
        c.range("size", size, BackupSize.KILOBYTES);
        c.extensions("", properties, DECLARED);
        c.throwIfAny();
    }

    /** A module's size in kilobytes with no extension properties. */
    public static ModuleSize of(String module, long kilobytes) {
        return new ModuleSize(module, kilobytes, Map.of());
    }
}
