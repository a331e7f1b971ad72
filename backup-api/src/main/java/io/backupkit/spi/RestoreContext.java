package io.backupkit.spi;

import static java.util.Objects.requireNonNull;

import io.backupkit.api.ModuleOption;
import java.time.Clock;
import java.util.List;

/**
 * Per-run input of a restore for one module.
 *
 * @param configOnly restore configuration data only (forced by the request, or because the backup is
 *     config-only)
 * @param options the options chosen for this module, already checked; never null, possibly empty
 * @param formatVersion the module format version the archive was written with
 * @param cancellation checked by the module between entries; never null
 * @param clock the engine's clock; never null
 */
public record RestoreContext(boolean configOnly, List<ModuleOption> options, int formatVersion,
        Cancellation cancellation, Clock clock) {
    public RestoreContext {
        options = List.copyOf(options);
        requireNonNull(cancellation, "cancellation is null");
        requireNonNull(clock, "clock is null");
    }

    /** The values of every option with this name, in order; never null. */
    public List<String> values(String name) {
        return Options.values(options, name);
    }
}
