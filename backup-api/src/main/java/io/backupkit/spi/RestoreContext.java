package io.backupkit.spi;

import static java.util.Objects.requireNonNull;

import io.backupkit.api.ModuleOption;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Per-run input of a restore for one module.
 *
 * @param configOnly restore configuration data only (forced by the request, or because the backup is
 *     config-only)
 * @param options the options chosen for this module, already checked; never null, possibly empty
 * @param formatVersion the module format version the archive was written with
 * @param cancellation checked by the module between entries; never null
 * @param clock the engine's clock; never null
 * @param restoreId the id of this restore ({@code [A-Za-z0-9-]+}): name every temporary file or
 *     directory of the stage with it, so that {@link BackupModule#recover} finds them after a crash;
 *     never null
 * @param bytes the bytes of file content this module's entries hold, as the backup's manifest declares
 *     them (at most what the restore will write), or -1 when unknown; a module checks it against the free
 *     space where it stages, before it writes anything
 */
public record RestoreContext(boolean configOnly, List<ModuleOption> options, int formatVersion,
        Cancellation cancellation, Clock clock, String restoreId, long bytes) {
    private static final Pattern RESTORE_ID = Pattern.compile("[A-Za-z0-9-]+");

    public RestoreContext {
        options = List.copyOf(options);
        requireNonNull(cancellation, "cancellation is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(restoreId, "restoreId is null");
        if (!RESTORE_ID.matcher(restoreId).matches()) {
            throw new IllegalArgumentException("restoreId must match [A-Za-z0-9-]+ (got '" + restoreId + "')");
        }
    }

    /** A context with a new random restore id and no declared size, for running a module directly. */
    public RestoreContext(boolean configOnly, List<ModuleOption> options, int formatVersion,
            Cancellation cancellation, Clock clock) {
        this(configOnly, options, formatVersion, cancellation, clock, UUID.randomUUID().toString(), -1);
    }

    /** The values of every option with this name, in order; never null. */
    public List<String> values(String name) {
        return Options.values(options, name);
    }
}
