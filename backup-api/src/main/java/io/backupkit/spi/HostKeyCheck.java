package io.backupkit.spi;

/**
 * The engine's decision on a server's host key. A transport calls it with the fingerprint of the key
 * the server presents, before it authenticates, and must abort the connection when it throws.
 */
@FunctionalInterface
public interface HostKeyCheck {
    /**
     * Accepts the key or refuses it.
     *
     * @param presentedFingerprint {@code SHA256:} and the unpadded base64 of the SHA-256 of the key's
     *     SSH encoding, as {@code ssh-keygen -lf} prints it
     * @throws io.backupkit.api.BackupException when the key is not trusted, showing the expected and the
     *     presented fingerprint
     */
    void verify(String presentedFingerprint);
}
