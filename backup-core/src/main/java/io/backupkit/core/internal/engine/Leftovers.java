package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.Server;
import io.backupkit.core.internal.failure.Failures;
import io.backupkit.core.internal.state.EngineState;
import io.backupkit.core.internal.state.State.Cleanup;
import io.backupkit.spi.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What backups that failed or were interrupted left on their servers: their archive, its manifest copy,
 * and the temporaries of partial uploads. Only this engine's own objects are ever touched: the names come
 * from its journal and carry the backup's unique id. What cannot be removed now (the server is down) is
 * remembered in the state and retried at the next start and after every operation.
 */
final class Leftovers {
    private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);

    private final EngineState state;
    private final ServerRecords servers;

    Leftovers(EngineState state, ServerRecords servers) {
        this.state = state;
        this.servers = servers;
    }

    /**
     * On a connected server: deletes a failed backup's archive and manifest copy and the temporaries of
     * every one of its objects; its record stays (it says the backup failed).
     */
    static void remove(Transport transport, List<String> objects) throws IOException {
        for (String name : objects) {
            if (!isRecord(name)) {
                transport.delete(name);
            }
            transport.removeTemporaries(name);
        }
    }

    private static boolean isRecord(String name) {
        return name.endsWith(Sidecar.SUFFIX) && !name.endsWith(Sidecar.MANIFEST_SUFFIX);
    }

    /** As {@link #remove}, on a new connection; remembered for later when the server cannot be reached. */
    void removeOrRemember(long serverId, List<String> objects) {
        try {
            Server server = servers.get(serverId);
            try (Transport transport = servers.open(server)) {
                remove(transport, objects);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot remove the leftovers {} of a failed backup from server {} now ({}); they are removed"
                    + " later", objects, serverId, describe(e));
            remember(serverId, objects);
        }
    }

    /** Remembers leftovers to remove at the next start or after the next operation. */
    void remember(long serverId, List<String> objects) {
        synchronized (state.lock()) {
            state.data().cleanups.add(new Cleanup(serverId, objects));
            state.save();
        }
    }

    /** Retries every remembered removal; keeps what still fails. */
    void retry() {
        List<Cleanup> pending;
        synchronized (state.lock()) {
            pending = new ArrayList<>(state.data().cleanups);
        }
        for (Cleanup cleanup : pending) {
            try (Transport transport = servers.open(servers.get(cleanup.serverId()))) {
                remove(transport, cleanup.objects());
            } catch (IOException | RuntimeException e) {
                LOG.debug("The leftovers {} on server {} stay for now: {}", cleanup.objects(), cleanup.serverId(),
                        describe(e));
                continue;
            }
            synchronized (state.lock()) {
                state.data().cleanups.remove(cleanup);
                state.save();
            }
        }
    }

    private static String describe(Exception e) {
        return e instanceof BackupException ? e.getMessage() : Failures.describe(e);
    }
}
