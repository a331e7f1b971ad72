package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Server;
import io.backupkit.api.ServerCheck;
import io.backupkit.api.Servers;
import io.backupkit.core.internal.failure.Blame;
import io.backupkit.core.internal.failure.Failures;
import io.backupkit.core.internal.failure.Party;
import io.backupkit.core.internal.keys.RsaKeys;
import io.backupkit.core.internal.state.EngineState;
import io.backupkit.spi.Connection;
import io.backupkit.spi.HostKeyCheck;
import io.backupkit.spi.Transport;
import io.backupkit.spi.TransportSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup servers: their records and private keys, their trusted host keys, and connections to them.
 * Every connection it opens reports its failures as the server's ({@code TRANSPORT_FAILED}, naming the
 * server and its address), wherever they surface.
 */
public final class ServerRecords {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRecords.class);

    /** Something that may use a server and so forbids deleting it. */
    public interface User {
        /** Throws, saying why, when {@code server} is in use; called holding the state's lock. */
        void checkNotUsing(Server server);
    }

    private final EngineState state;
    private final Plugins plugins;
    private final Identity identity;
    private final TransportSettings settings;
    private final HostKeys hostKeys;
    private final List<User> users = new CopyOnWriteArrayList<>();

    public ServerRecords(EngineState state, Plugins plugins, Identity identity, TransportSettings settings,
            boolean trustOnFirstUse) {
        this.state = state;
        this.plugins = plugins;
        this.identity = identity;
        this.settings = settings;
        this.hostKeys = new HostKeys(state, trustOnFirstUse);
    }

    /** Registers something that may use servers; a server in use cannot be deleted. */
    public void addUser(User user) {
        users.add(user);
    }

    public Server create(Server request) {
        KeyPair keys;
        String generated = null;
        if (request.newPrivateKey() == null) {
            keys = RsaKeys.generate();
            generated = RsaKeys.toPem(keys.getPrivate());
        } else {
            keys = RsaKeys.parsePrivateKey(request.newPrivateKey());
        }
        String publicKey = publicKey(keys);
        synchronized (state.lock()) {
            long id = state.data().nextServerId;
            Server stored = new Server(id, request.name(), request.desc(), request.host(), request.port(),
                    request.path(), request.user(), null, publicKey);
            saveKey(id, keys, request.name());
            state.data().nextServerId = id + 1;
            state.data().servers.add(stored);
            state.save();
            LOG.info("Created server {} '{}' ({})", id, stored.name(), generated == null ? "key given" : "key generated");
            return stored.withKeys(generated, publicKey);
        }
    }

    private String publicKey(KeyPair keys) {
        return RsaKeys.authorizedKey((RSAPublicKey) keys.getPublic(), "backupkit@" + identity.hostname());
    }

    private void saveKey(long id, KeyPair keys, String name) {
        try {
            state.store().saveKey(id, RsaKeys.toPem(keys.getPrivate()));
        } catch (IOException e) {
            throw new BackupException(ErrorCode.INTERNAL, "Cannot store the key of server '" + name + "' in '"
                    + state.store().keyFile(id) + "': " + Failures.describe(e), e);
        }
    }

    /** A server, or {@code NOT_FOUND}. */
    public Server get(long id) {
        synchronized (state.lock()) {
            return state.data().servers.stream().filter(s -> s.id() == id).findFirst()
                    .orElseThrow(() -> new BackupException(ErrorCode.NOT_FOUND, "Server " + id + " does not exist"));
        }
    }

    public Servers list() {
        synchronized (state.lock()) {
            return new Servers(state.data().servers);
        }
    }

    /** Replaces a server's fields; a new key replaces the key, a new address forgets the trusted host key. */
    public Server update(long id, Server request) {
        KeyPair keys = request.newPrivateKey() == null ? null : RsaKeys.parsePrivateKey(request.newPrivateKey());
        synchronized (state.lock()) {
            Server old = get(id);
            String publicKey = keys == null ? old.publicKey() : publicKey(keys);
            Server updated = new Server(id, request.name(), request.desc(), request.host(), request.port(),
                    request.path(), request.user(), null, publicKey);
            if (keys != null) {
                saveKey(id, keys, request.name());
            }
            state.data().servers.replaceAll(s -> s.id() == id ? updated : s);
            if (!old.host().equals(updated.host()) || old.port() != updated.port()) {
                hostKeys.forget(id); // the pinned key belonged to the old address
            }
            state.save();
            return updated;
        }
    }

    /** Deletes a server and its key, unless something uses it. */
    public void delete(long id) {
        synchronized (state.lock()) {
            Server server = get(id);
            users.forEach(user -> user.checkNotUsing(server));
            state.data().servers.removeIf(s -> s.id() == id);
            state.data().cleanups.removeIf(c -> c.serverId() == id); // its leftovers go with it
            hostKeys.forget(id);
            state.save();
            try {
                state.store().deleteKey(id);
            } catch (IOException e) {
                throw new BackupException(ErrorCode.INTERNAL, "Cannot delete the key of server '" + server.name()
                        + "' ('" + state.store().keyFile(id) + "'): " + Failures.describe(e), e);
            }
        }
    }

    /** Whose failures a server's are: its name and its address. */
    Blame blame(Server server) {
        return new Blame(Party.TRANSPORT, "Server '" + server.name() + "'", address(server));
    }

    /** {@code user@host:port}, or the directory of a local filer. */
    private static String address(Server server) {
        return local(server) ? server.path() : server.user() + "@" + server.host() + ":" + server.port();
    }

    /**
     * Connects to a server: its transport checks the host key and authenticates. Every failure of the
     * connection, now or later, is the server's.
     *
     * @throws BackupException TRANSPORT_FAILED naming the server when it cannot connect
     */
    public Transport open(Server server) {
        return open(server, presented -> hostKeys.check(server, presented));
    }

    private Transport open(Server server, HostKeyCheck check) {
        Blame blame = blame(server);
        try {
            return blame.transport(plugins.transportFor(server).open(new Connection(server, keyPair(server),
                    check, settings)));
        } catch (IOException | RuntimeException e) {
            throw Failures.classify(blame.tag(e));
        }
    }

    /** The key pair to log in with; none for a local directory, which needs none. */
    private KeyPair keyPair(Server server) {
        if (local(server)) {
            return null;
        }
        Path file = state.store().keyFile(server.id());
        String pem;
        try {
            pem = state.store().loadKey(server.id());
        } catch (IOException e) {
            throw new BackupException(ErrorCode.INTERNAL, "Cannot read the key of server '" + server.name() + "' ('"
                    + file + "'): " + Failures.describe(e), e);
        }
        try {
            return pem == null ? null : RsaKeys.parsePrivateKey(pem);
        } catch (BackupException e) {
            String reason = e.getMessage().startsWith("new_private_key: ")
                    ? e.getMessage().substring("new_private_key: ".length()) : e.getMessage();
            throw new BackupException(ErrorCode.INTERNAL, "The key file of server '" + server.name() + "' ('" + file
                    + "') is damaged: " + reason + "; set a new key with new_private_key", e);
        }
    }

    /** A local directory, by the layout rule: an empty host or a {@code file:} path. */
    private static boolean local(Server server) {
        return server.host().isEmpty() || server.path().startsWith("file:");
    }

    /** The fingerprint a server presents, fetched without credentials. */
    public String presentedHostKey(long serverId) {
        Server server = get(serverId);
        Blame blame = blame(server);
        try {
            return plugins.transportFor(server).presentedHostKey(server, settings);
        } catch (IOException | RuntimeException e) {
            throw Failures.classify(blame.tag(e));
        }
    }

    /** The fingerprint trusted for a server, if any. */
    public Optional<String> trustedHostKey(long serverId) {
        get(serverId);
        return hostKeys.trusted(serverId);
    }

    /** Trusts a fingerprint for a server, replacing any earlier one. */
    public void trustHostKey(long serverId, String fingerprint) {
        hostKeys.trust(get(serverId), fingerprint);
    }

    /** Connects, checks the host key, authenticates, writes and deletes a probe, and asks for free space. */
    public ServerCheck test(long serverId) {
        Server server = get(serverId);
        String[] seen = new String[1];
        try (Transport transport = open(server, presented -> {
            hostKeys.check(server, presented);
            seen[0] = presented;
        })) {
            transport.test();
            return new ServerCheck(seen[0], transport.freeSpace().orElse(-1));
        } catch (IOException | RuntimeException e) {
            throw Failures.classify(e);
        }
    }
}
