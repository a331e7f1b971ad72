package io.backupkit.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

final class PipesTest {
    private static final int CHUNK = 64 * 1024;

    @Test
    void asyncDigestHashesEveryByteInOrder() throws IOException {
        byte[] data = new byte[5 * CHUNK + 123];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + i / 7);
        }
        Pipes.AsyncDigest digest = new Pipes.AsyncDigest(Digests.sha256(), CHUNK, 2);
        for (int at = 0; at < data.length; at += 1000) {
            digest.update(data, at, Math.min(1000, data.length - at));
        }

        assertThat(HexFormat.of().formatHex(digest.digest()))
                .isEqualTo(HexFormat.of().formatHex(Digests.sha256().digest(data)));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void asyncDigestReportsAFailingDigestWithoutBlockingTheWriter() {
        MessageDigest failing = new MessageDigest("failing") {
            @Override
            protected void engineUpdate(byte input) {
                throw new IllegalStateException("digest broke");
            }

            @Override
            protected void engineUpdate(byte[] input, int offset, int len) {
                throw new IllegalStateException("digest broke");
            }

            @Override
            protected byte[] engineDigest() {
                return new byte[0];
            }

            @Override
            protected void engineReset() {
            }
        };
        Pipes.AsyncDigest digest = new Pipes.AsyncDigest(failing, CHUNK, 2);

        assertThatThrownBy(() -> {
            byte[] data = new byte[CHUNK];
            for (int i = 0; i < 10; i++) { // more chunks than the pipe holds
                digest.update(data, 0, data.length);
            }
            digest.digest();
        }).isInstanceOf(IOException.class).hasMessage("The archive's digest failed")
                .hasRootCauseMessage("digest broke");
    }
}
