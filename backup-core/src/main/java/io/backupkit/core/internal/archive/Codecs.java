package io.backupkit.core.internal.archive;

import com.github.luben.zstd.ZstdInputStream;
import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.core.Compression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Compression streams, and the detection of a stream's compression from its magic bytes. */
public final class Codecs {
    private static final int BUFFER = 256 * 1024;

    private Codecs() {
    }

    static OutputStream compress(Compression compression, OutputStream out) throws IOException {
        switch (compression) {
            case NONE:
                return out;
            case GZIP:
                return new GZIPOutputStream(out, BUFFER) {
                    {
                        def.setLevel(Deflater.BEST_SPEED);
                    }
                };
            case ZSTD:
                return new ZstdOutput(out);
            default:
                throw new IllegalStateException("unknown compression " + compression);
        }
    }

    /** The compression of a stream, read from its first bytes; the stream must support mark. */
    public static Compression detect(BufferedInputStream in) throws IOException {
        in.mark(512);
        byte[] head = in.readNBytes(262);
        in.reset();
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return Compression.GZIP;
        }
        if (head.length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
                && (head[3] & 0xff) == 0xfd) {
            return Compression.ZSTD;
        }
        if (head.length >= 262 && head[257] == 'u' && head[258] == 's' && head[259] == 't' && head[260] == 'a'
                && head[261] == 'r') {
            return Compression.NONE;
        }
        throw new BackupException(ErrorCode.INTEGRITY, "The archive is neither a tar nor gzip- or zstd-compressed");
    }

    /** The decompressed view of a stream whose compression is detected. */
    static InputStream decompress(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
        switch (detect(in)) {
            case NONE:
                return in;
            case GZIP:
                return new GZIPInputStream(in, BUFFER);
            case ZSTD:
                return new ZstdInputStream(in);
            default:
                throw new IllegalStateException();
        }
    }
}
