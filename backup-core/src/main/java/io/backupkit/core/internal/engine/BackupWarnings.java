package io.backupkit.core.internal.engine;

import io.backupkit.core.internal.engine.Sidecar.Warning;
import io.backupkit.spi.Warnings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warnings of one backup: each module reports through its own {@link Warnings}; each warning is a
 * progress event ("Warning: ...") and a WARN line at once, and at the end the operation's info lists
 * them ({@code warnings}: module, subject, reason; {@code warnings_count} when there were more than the
 * {@value Sidecar#MAX_WARNINGS} kept) and so does the backup's record on the server.
 */
final class BackupWarnings {
    private static final Logger LOG = LoggerFactory.getLogger(BackupWarnings.class);

    private final RunningOperation operation;
    private final List<Warning> kept = new ArrayList<>();
    private long count;

    BackupWarnings(RunningOperation operation) {
        this.operation = operation;
    }

    /** Where one module reports its warnings. */
    Warnings of(String module) {
        return (subject, reason) -> add(new Warning(module, String.valueOf(subject), String.valueOf(reason)));
    }

    private void add(Warning warning) {
        synchronized (this) {
            count++;
            if (kept.size() < Sidecar.MAX_WARNINGS) {
                kept.add(warning);
            }
        }
        LOG.warn("Module '{}': {}: {}", warning.module(), warning.subject(), warning.reason());
        operation.message(warning.module(), "Warning: " + warning.subject() + ": " + warning.reason());
    }

    /** The warnings kept for the record. */
    synchronized List<Warning> kept() {
        return List.copyOf(kept);
    }

    /** Adds {@code warnings} (and {@code warnings_count} when some were dropped) to an operation's properties. */
    synchronized void addTo(Map<String, Object> properties) {
        if (kept.isEmpty()) {
            return;
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (Warning w : kept) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("module", w.module());
            item.put("subject", w.subject());
            item.put("reason", w.reason());
            list.add(item);
        }
        properties.put("warnings", list);
        if (count > kept.size()) {
            properties.put("warnings_count", count);
        }
    }
}
