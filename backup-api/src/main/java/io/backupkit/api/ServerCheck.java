package io.backupkit.api;

import java.util.OptionalLong;

/**
 * The result of a successful connection test of a backup server: reachable, host key trusted,
 * authenticated, directory writable.
 *
 * <p>It is also the answer of the HTTP API's {@code POST /servers/items/{id}/test} (JSON
 * {@code server_check}: {@code {"free_bytes"?, "host_key"?}}): {@code free_bytes} is left out when the
 * server does not tell, {@code host_key} when there is none.
 *
 * @param hostKey the fingerprint of the server's host key; null for a local directory
 * @param freeBytes the bytes free in the server's directory; negative when the server does not tell
 */
public record ServerCheck(String hostKey, long freeBytes) {
    /** The free bytes, when known. */
    public OptionalLong free() {
        return freeBytes < 0 ? OptionalLong.empty() : OptionalLong.of(freeBytes);
    }
}
