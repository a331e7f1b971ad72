package io.backupkit.api;

import java.util.Optional;

/**
 * A backup server, the "filer" (resource {@code server}).
 *
 * <p>{@code newPrivateKey} is a secret: it is masked in {@link #toString()}, and the engine returns it
 * only in the response of the create that generated it.
 *
 * @param id the engine-assigned id (1, 2, ...); null before the server is created (read-only)
 * @param name the server's name; never null
 * @param desc a description; never null
 * @param host the host name or address, without spaces or control characters; empty for the local
 *     filer; never null
 * @param port the SSH port, 1 to 65535
 * @param path the directory on the server, without NUL and without {@code ..} segments; never null
 * @param user the user to log in as; never null
 * @param newPrivateKey an RSA private key (PEM) to configure; null when absent
 * @param publicKey the public key in OpenSSH {@code authorized_keys} form; null when absent (read-only)
 */
public record Server(Long id, String name, String desc, String host, int port, String path, String user,
        String newPrivateKey, String publicKey) {
    /** The spec's port range. */
    public static final IntRange PORT = IntRange.of(1, 65535);
    /** Server ids are positive. */
    public static final IntRange ID = IntRange.of(1, Long.MAX_VALUE);

    public Server {
        Checker c = new Checker("server");
        c.range("id", id, ID);
        c.required("name", name);
        c.required("desc", desc);
        if (c.required("host", host) && host.codePoints().anyMatch(ch -> Character.isWhitespace(ch)
                || Character.isISOControl(ch) || Character.isSpaceChar(ch))) {
            c.fail("host", "must not contain spaces or control characters", host);
        }
        c.range("port", port, PORT);
        if (c.required("path", path)) {
            if (path.indexOf('\0') >= 0) {
                c.fail("path", "must not contain NUL", path);
            } else if (path.equals("..") || path.startsWith("../") || path.endsWith("/..")
                    || path.contains("/../")) {
                c.fail("path", "must not contain '..' segments", path);
            }
        }
        c.required("user", user);
        c.throwIfAny();
    }

    /** The id, once the server is created. */
    public Optional<Long> optionalId() {
        return Optional.ofNullable(id);
    }

    /** This server with another id. */
    public Server withId(long newId) {
        return new Server(newId, name, desc, host, port, path, user, newPrivateKey, publicKey);
    }

    /** This server with the keys replaced (either may be null). */
    public Server withKeys(String privateKey, String newPublicKey) {
        return new Server(id, name, desc, host, port, path, user, privateKey, newPublicKey);
    }

    /** The record with {@code newPrivateKey} masked. */
    @Override
    public String toString() {
        return "Server[id=" + id + ", name=" + name + ", desc=" + desc + ", host=" + host + ", port=" + port
                + ", path=" + path + ", user=" + user + ", newPrivateKey=" + (newPrivateKey == null ? null : "****")
                + ", publicKey=" + publicKey + "]";
    }
}
