package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.HostKey;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.Json;
import io.backupkit.api.Server;
import io.backupkit.api.Violation;
import io.backupkit.core.internal.state.EngineState;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host keys trusted per server. A connection goes on only to a server presenting its pinned key;
 * the first key is pinned without asking only with trust-on-first-use; anything else is refused showing
 * both fingerprints.
 */
final class HostKeys {
    private static final Logger LOG = LoggerFactory.getLogger(HostKeys.class);

    private final EngineState state;
    private final boolean trustOnFirstUse;

    HostKeys(EngineState state, boolean trustOnFirstUse) {
        this.state = state;
        this.trustOnFirstUse = trustOnFirstUse;
    }

    /** Accepts the pinned key; pins the first one only with trust-on-first-use; refuses anything else. */
    void check(Server server, String presented) {
        String where = "server '" + server.name() + "' (" + server.host() + ":" + server.port() + ")";
        synchronized (state.lock()) {
            String trusted = state.data().hostKeys.get(server.id());
            if (presented.equals(trusted)) {
                return;
            }
            if (trusted != null) {
                throw new BackupException(ErrorCode.TRANSPORT_FAILED, "The host key of " + where
                        + " has changed: expected " + trusted + ", presented " + presented
                        + "; if the change is legitimate, trust the new key");
            }
            if (trustOnFirstUse) {
                state.data().hostKeys.put(server.id(), presented);
                state.save();
                LOG.warn("Trusted the host key {} of {} on first use", presented, where);
                return;
            }
        }
        throw new BackupException(ErrorCode.TRANSPORT_FAILED, "The host key of " + where + " is not trusted: it"
                + " presents " + presented + "; confirm this fingerprint with the server's administrator and trust it");
    }

    Optional<String> trusted(long serverId) {
        synchronized (state.lock()) {
            return Optional.ofNullable(state.data().hostKeys.get(serverId));
        }
    }

    /** Trusts a fingerprint, replacing any earlier one; call it holding the state's lock. */
    void trust(Server server, String fingerprint) {
        if (fingerprint == null || !HostKey.FINGERPRINT.matcher(fingerprint).matches()) {
            throw new InvalidInputException(List.of(new Violation("fingerprint", HostKey.FINGERPRINT_RULE,
                    fingerprint == null ? null : Json.render(fingerprint))));
        }
        synchronized (state.lock()) {
            state.data().hostKeys.put(server.id(), fingerprint);
            state.save();
        }
        LOG.info("Trusted host key {} for server '{}'", fingerprint, server.name());
    }

    /** Forgets the key of a server; call it holding the state's lock (the caller saves). */
    void forget(long serverId) {
        state.data().hostKeys.remove(serverId);
    }
}
