package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.FactoryResetStatus;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Status;
import io.backupkit.core.internal.failure.Failures;
import io.backupkit.spi.BackupModule;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A factory reset: every module that can restore returns its data to its initial state. A module that
 * fails does not stop the others (each result is in the operation's info); an abort does.
 */
public final class FactoryReset {
    private final Slot slot;
    private final Plugins plugins;
    private final Clock clock;

    public FactoryReset(Slot slot, Plugins plugins, Clock clock) {
        this.slot = slot;
        this.plugins = plugins;
        this.clock = clock;
    }

    /** Takes the engine's slot for a factory reset. */
    public Prepared<OperationInfo> prepare() {
        OperationInfo info = new OperationInfo(clock.instant().getEpochSecond(), Status.STARTED,
                "Factory reset started", new FactoryResetStatus(Map.of()));
        RunningOperation operation = slot.begin(info, null, null);
        return new Prepared<>(operation, () -> run(operation),
                reason -> slot.end(operation, Ended.of(reason, "Factory reset aborted"), Map.of()));
    }

    private OperationInfo run(RunningOperation operation) {
        List<Map<String, Object>> results = new ArrayList<>();
        Map<String, BackupModule> resettable = new LinkedHashMap<>();
        plugins.modules().forEach((name, module) -> {
            if (module.canRestore()) {
                resettable.put(name, module);
            }
        });
        operation.total(resettable.size());
        BackupException failure = null;
        for (Map.Entry<String, BackupModule> entry : resettable.entrySet()) {
            String name = entry.getKey();
            operation.message(name, "Resetting module '" + name + "'");
            try {
                operation.throwIfCancelled();
                entry.getValue().factoryReset(operation);
                results.add(Selections.result(name, "ok", null));
            } catch (Throwable e) {
                BackupException reason = Failures.classify(e, name, "reset");
                if (reason.code() == ErrorCode.NOT_SUPPORTED) {
                    results.add(Selections.result(name, "not supported", reason.getMessage()));
                } else {
                    results.add(Selections.result(name, "failed", reason.getMessage()));
                    failure = failure != null ? failure : reason;
                    if (reason.code() == ErrorCode.ABORTED) {
                        break;
                    }
                }
            }
            operation.advance(name, 1, 0, "Module '" + name + "' reset");
        }
        Ended ended = failure == null ? new Ended.Completed("Factory reset completed")
                : Ended.of(failure, failure.getMessage());
        slot.end(operation, ended, Map.of("modules", results));
        if (failure != null) {
            throw failure;
        }
        return operation.info();
    }
}
