package io.backupkit.spi;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The host's configuration of one module: a string map read strictly. Every key the host gives must be
 * read by the module in {@link BackupModule#configure}; a key left unread is an error
 * ({@link #unreadKeys()}), so that a misspelt key never passes silently. Not thread-safe.
 */
public final class ModuleConfig {
    private final String module;
    private final Map<String, String> values;
    private final Set<String> read = new HashSet<>();

    public ModuleConfig(String module, Map<String, String> values) {
        this.module = module;
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** An empty configuration. */
    public static ModuleConfig empty(String module) {
        return new ModuleConfig(module, Map.of());
    }

    /** The module this configuration is for. */
    public String module() {
        return module;
    }

    /** Every key, sorted; reading the key set marks nothing as read. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** The keys that start with {@code prefix}, sorted, marked as read. */
    public Set<String> keysWithPrefix(String prefix) {
        Set<String> keys = new TreeSet<>();
        for (String key : values.keySet()) {
            if (key.startsWith(prefix)) {
                keys.add(key);
                read.add(key);
            }
        }
        return keys;
    }

    /** A value, if given. */
    public Optional<String> get(String key) {
        read.add(key);
        return Optional.ofNullable(values.get(key));
    }

    /** A value that must be given. */
    public String require(String key) {
        return get(key).orElseThrow(() -> new BackupException(ErrorCode.INVALID_INPUT,
                "Module '" + module + "' needs the configuration key '" + key + "'"));
    }

    /** A value, or {@code defaultValue} when not given. */
    public String get(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /** Keys the host gave that the module never read, sorted. */
    public Set<String> unreadKeys() {
        Set<String> unread = new TreeSet<>(values.keySet());
        unread.removeAll(read);
        return unread;
    }

    /** Shows the keys only: values may be secret. */
    @Override
    public String toString() {
        return "ModuleConfig[" + module + ", keys=" + values.keySet() + "]";
    }
}
