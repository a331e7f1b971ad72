package io.backupkit.spi;

import static java.util.Objects.requireNonNull;

import io.backupkit.api.ModuleOption;
import java.time.Clock;
import java.util.List;

/**
 * Per-run input of a backup for one module.
 *
 * @param configOnly back up configuration data only
 * @param options the options chosen for this module, already checked against its
 *     {@code supported_options}; never null, possibly empty, a name may repeat
 * @param cancellation checked by the module between entries; never null
 * @param clock the engine's clock; never null
 * @param warnings where the module reports what it kept or skipped with a reservation; never null
 */
public record BackupContext(boolean configOnly, List<ModuleOption> options, Cancellation cancellation, Clock clock,
        Warnings warnings) {
    public BackupContext {
        options = List.copyOf(options);
        requireNonNull(cancellation, "cancellation is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(warnings, "warnings is null");
    }

    /** A context whose warnings go nowhere ({@link Warnings#none()}), for running a module directly. */
    public BackupContext(boolean configOnly, List<ModuleOption> options, Cancellation cancellation, Clock clock) {
        this(configOnly, options, cancellation, clock, Warnings.none());
    }

    /** The values of every option with this name, in order; never null. */
    public List<String> values(String name) {
        return Options.values(options, name);
    }
}
