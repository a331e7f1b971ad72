package io.backupkit.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class ZstdOutputTest {

    /** Larger than several zstd jobs, half compressible text, half random bytes. */
    private static byte[] data(long seed) {
        byte[] data = new byte[3 * ZstdOutput.JOB_SIZE + 12345];
        Random random = new Random(seed);
        for (int i = 0; i < data.length; i++) {
            data[i] = i % 2 == 0 ? (byte) random.nextInt() : (byte) ('a' + (i / 64) % 26);
        }
        return data;
    }

    private static byte[] decompress(byte[] compressed) throws IOException {
        try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }

    private static byte[] compress(byte[] data, Random sizes) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (ZstdOutput out = new ZstdOutput(sink)) {
            int at = 0;
            while (at < data.length) {
                int n = Math.min(data.length - at, sizes.nextInt(3) == 0 ? 1 : 1 + sizes.nextInt(1 << 20));
                if (n == 1) {
                    out.write(data[at]);
                } else {
                    out.write(data, at, n);
                }
                at += n;
            }
        }
        return sink.toByteArray();
    }

    @Test
    void streamsOneAfterAnotherEachDecompressToTheirBytes() throws IOException {
        // the second and third streams run on a kept context: nothing of the first may leak into them
        for (int round = 0; round < 3; round++) {
            byte[] data = data(round);
            byte[] compressed = compress(data, new Random(round));

            assertThat(compressed.length).isLessThan(data.length);
            assertThat(decompress(compressed)).isEqualTo(data);
        }
    }

    @Test
    void flushMakesEverythingWrittenSoFarReadable() throws IOException {
        byte[] data = data(7);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (ZstdOutput out = new ZstdOutput(sink)) {
            out.write(data, 0, 100_000);
            out.flush();
            byte[] partial = sink.toByteArray();
            try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(partial))) {
                assertThat(in.readNBytes(100_000)).isEqualTo(java.util.Arrays.copyOf(data, 100_000));
            }
            out.write(data, 100_000, data.length - 100_000);
        }
        assertThat(decompress(sink.toByteArray())).isEqualTo(data);
    }

    @Test
    void closeEndsTheFrameClosesTheTargetAndASecondCloseDoesNothing() throws IOException {
        boolean[] closed = new boolean[1];
        ByteArrayOutputStream sink = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        ZstdOutput out = new ZstdOutput(sink);
        out.write("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.close();
        int size = sink.size();
        out.close();

        assertThat(closed[0]).isTrue();
        assertThat(sink.size()).isEqualTo(size);
        assertThat(decompress(sink.toByteArray())).asString().isEqualTo("hello");
        assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void aFailingTargetFailsTheStreamAndTheNextStreamIsWhole() throws IOException {
        OutputStream failing = new OutputStream() {
            private int writes;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (++writes > 2) {
                    throw new IOException("disk full");
                }
            }
        };
        byte[] data = data(3);
        assertThatThrownBy(() -> {
            try (ZstdOutput out = new ZstdOutput(failing)) {
                out.write(data);
            }
        }).isInstanceOf(IOException.class).hasMessage("disk full");

        // the context the failed stream used is reset before it is kept: the next frame is complete
        for (int round = 0; round < 3; round++) {
            byte[] next = data(10 + round);
            assertThat(decompress(compress(next, new Random(round)))).isEqualTo(next);
        }
    }
}
