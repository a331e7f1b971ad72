package io.backupkit.core.internal.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tar format as the archive uses it: POSIX ustar headers, with a PAX extended header in front of an
 * entry only when a field does not fit (a name longer than 100 bytes or not ASCII, a size of 8 GiB or
 * more, a modification time with a fraction of a second or outside the octal range). GNU tar, bsdtar and
 * commons-compress read what {@link Output} writes.
 *
 * <p>{@link Input} reads those archives and tells apart everything else an archive could hold (links,
 * devices, FIFOs, sparse entries of every kind, GNU long names) so that the reader can refuse it by name.
 * Headers are parsed from one 512-byte block with no allocation beyond the name; numbers in octal or
 * base-256; a bad header checksum is reported on the entry, not thrown, so that the message names it.
 */
final class Tar {
    static final int BLOCK = 512;
    /** Archives are padded to a multiple of this, as GNU tar does. */
    static final int RECORD = 20 * BLOCK;
    static final byte REGULAR = '0';
    static final byte OLD_REGULAR = 0;
    static final byte HARD_LINK = '1';
    static final byte SYMBOLIC_LINK = '2';
    static final byte CHARACTER_DEVICE = '3';
    static final byte BLOCK_DEVICE = '4';
    static final byte DIRECTORY = '5';
    static final byte FIFO = '6';
    static final byte PAX = 'x';
    static final byte PAX_GLOBAL = 'g';
    static final byte GNU_LONG_NAME = 'L';
    static final byte GNU_LONG_LINK = 'K';
    static final byte GNU_SPARSE = 'S';
    private static final long MAX_OCTAL_11 = 077777777777L;
    /** The largest extended header (PAX or GNU long name) read. */
    private static final int MAX_EXTENDED = 1 << 20;

    private Tar() {
    }

    /** One entry's header, as read. */
    record Header(String name, byte type, long size, int mode, Instant modified, boolean checksumOk, boolean sparse) {
    }

    /** Writes entries; {@link #finish()} ends the archive. Never closes the target. */
    static final class Output {
        private final OutputStream target;
        /** The target when it is a pipe, which content can be read into directly; otherwise null. */
        private final Pipes.AsyncOutput pipe;
        private final byte[] block = new byte[BLOCK];
        private long position;
        private long written;
        private long remaining;

        Output(OutputStream target) {
            this.target = target;
            this.pipe = null;
        }

        /** Writes into a pipe, whose chunks an entry's content is read into without a copy on the way. */
        Output(Pipes.AsyncOutput pipe) {
            this.target = pipe;
            this.pipe = pipe;
        }

        private void emit(byte[] b, int off, int len) throws IOException {
            target.write(b, off, len);
            position += len;
        }

        /** Starts an entry; exactly {@code size} bytes of content must follow, then {@link #closeEntry()}. */
        void putEntry(String name, byte type, long size, int mode, Instant modified) throws IOException {
            if (remaining != 0) {
                throw new IllegalStateException("the previous entry lacks " + remaining + " bytes");
            }
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            boolean longName = nameBytes.length > 100 || !ascii(nameBytes);
            long seconds = modified.getEpochSecond();
            int nanos = modified.getNano();
            boolean preciseTime = nanos != 0 || seconds < 0 || seconds > MAX_OCTAL_11;
            boolean bigSize = size > MAX_OCTAL_11;
            if (longName || preciseTime || bigSize) {
                StringBuilder pax = new StringBuilder(64);
                if (longName) {
                    record(pax, "path", name);
                }
                if (bigSize) {
                    record(pax, "size", Long.toString(size));
                }
                if (preciseTime) {
                    record(pax, "mtime", decimalSeconds(seconds, nanos));
                }
                byte[] records = pax.toString().getBytes(StandardCharsets.UTF_8);
                header(paxName(nameBytes), PAX, records.length, 0644, 0);
                emit(records, 0, records.length);
                pad(records.length);
            }
            header(Arrays.copyOf(nameBytes, Math.min(nameBytes.length, 100)), type, bigSize ? 0 : size, mode,
                    Math.max(0, Math.min(seconds, MAX_OCTAL_11)));
            remaining = size;
        }

        void write(byte[] b, int off, int len) throws IOException {
            if (len > remaining) {
                throw new IllegalStateException("the entry takes " + remaining + " more bytes, not " + len);
            }
            emit(b, off, len);
            remaining -= len;
            written += len;
        }

        /**
         * Reads at most {@code max} bytes of the current entry's content from {@code in}, straight into
         * the pipe's chunk when the target is a pipe; returns how many, or -1 at the end of {@code in}.
         */
        int copyFrom(InputStream in, byte[] buffer, int max) throws IOException {
            int len = (int) Math.min(max, remaining);
            int n;
            if (pipe != null) {
                n = pipe.readFrom(in, len);
                if (n > 0) {
                    position += n;
                }
            } else {
                n = in.read(buffer, 0, Math.min(len, buffer.length));
                if (n > 0) {
                    emit(buffer, 0, n);
                }
            }
            if (n > 0) {
                remaining -= n;
                written += n;
            }
            return n;
        }

        /** Pads the entry's content to a whole block. */
        void closeEntry() throws IOException {
            if (remaining != 0) {
                throw new IllegalStateException("the entry lacks " + remaining + " bytes");
            }
            pad(written);
            written = 0;
        }

        /** Writes the end-of-archive blocks and pads the archive to a whole record. */
        void finish() throws IOException {
            if (remaining != 0) {
                throw new IllegalStateException("the last entry lacks " + remaining + " bytes");
            }
            Arrays.fill(block, (byte) 0);
            long total = position + 2 * BLOCK;
            long blocks = 2 + (RECORD - total % RECORD) % RECORD / BLOCK;
            for (long i = 0; i < blocks; i++) {
                emit(block, 0, BLOCK);
            }
        }

        private void pad(long length) throws IOException {
            int rest = (int) (length % BLOCK);
            if (rest != 0) {
                Arrays.fill(block, (byte) 0);
                emit(block, 0, BLOCK - rest);
            }
        }

        private void header(byte[] name, byte type, long size, int mode, long mtime) throws IOException {
            byte[] h = block;
            Arrays.fill(h, (byte) 0);
            System.arraycopy(name, 0, h, 0, name.length);
            octal(h, 100, 8, mode & 07777);
            octal(h, 108, 8, 0); // uid
            octal(h, 116, 8, 0); // gid
            octal(h, 124, 12, size);
            octal(h, 136, 12, mtime);
            Arrays.fill(h, 148, 156, (byte) ' ');
            h[156] = type;
            h[257] = 'u';
            h[258] = 's';
            h[259] = 't';
            h[260] = 'a';
            h[261] = 'r';
            h[263] = '0';
            h[264] = '0';
            octal(h, 148, 7, checksum(h)); // six digits, NUL, then the space left from the fill
            emit(h, 0, BLOCK);
        }

        private static byte[] paxName(byte[] name) {
            byte[] prefix = "PaxHeaders/".getBytes(StandardCharsets.US_ASCII);
            byte[] result = new byte[Math.min(100, prefix.length + name.length)];
            System.arraycopy(prefix, 0, result, 0, prefix.length);
            System.arraycopy(name, 0, result, prefix.length, result.length - prefix.length);
            return result;
        }

        private static void record(StringBuilder pax, String key, String value) {
            int body = 1 + key.getBytes(StandardCharsets.UTF_8).length + 1
                    + value.getBytes(StandardCharsets.UTF_8).length + 1; // " key=value\n"
            int length = body + Integer.toString(body).length();
            if (Integer.toString(length).length() != Integer.toString(body).length()) {
                length++;
            }
            pax.append(length).append(' ').append(key).append('=').append(value).append('\n');
        }

        private static String decimalSeconds(long seconds, int nanos) {
            if (nanos == 0) {
                return Long.toString(seconds);
            }
            // a negative time with a fraction: -1.25 is 1.25 s before the epoch
            long whole = seconds < 0 ? seconds + 1 : seconds;
            int fraction = seconds < 0 ? 1_000_000_000 - nanos : nanos;
            StringBuilder digits = new StringBuilder(Integer.toString(fraction + 1_000_000_000).substring(1));
            while (digits.charAt(digits.length() - 1) == '0') {
                digits.setLength(digits.length() - 1);
            }
            return (seconds < 0 && whole == 0 ? "-" : "") + whole + "." + digits;
        }

        /** Writes {@code value} as {@code length - 1} octal digits and a NUL. */
        private static void octal(byte[] h, int offset, int length, long value) {
            int at = offset + length - 1;
            h[at] = 0;
            for (int i = at - 1; i >= offset; i--) {
                h[i] = (byte) ('0' + (value & 7));
                value >>>= 3;
            }
            if (value != 0) {
                throw new IllegalArgumentException("value does not fit " + (length - 1) + " octal digits");
            }
        }

        private static boolean ascii(byte[] bytes) {
            for (byte b : bytes) {
                if (b < 0x20) { // negative: not ASCII
                    return false;
                }
            }
            return true;
        }
    }

    /** Reads entries one after another; skips what an entry's reader leaves unread. */
    static final class Input {
        private final InputStream in;
        private final byte[] block = new byte[BLOCK];
        private long remaining;
        private long padding;
        private boolean ended;

        Input(InputStream in) {
            this.in = in;
        }

        /** The next entry, or null at the end of the archive (a zero block, or the end of the stream). */
        Header next() throws IOException {
            skip(remaining);
            skipZeros(padding, "the padding of an entry");
            remaining = 0;
            padding = 0;
            if (ended) {
                return null;
            }
            String longName = null;
            String paxPath = null;
            long paxSize = -1;
            Instant paxTime = null;
            boolean sparse = false;
            while (true) {
                if (!readBlock()) {
                    ended = true;
                    return null;
                }
                byte type = block[156];
                boolean checksumOk = checksumOk(block);
                long size = number(block, 124, 12, "size");
                if (size < 0) {
                    throw new IOException("A tar header has a negative size");
                }
                if (checksumOk && (type == PAX || type == PAX_GLOBAL || type == GNU_LONG_NAME
                        || type == GNU_LONG_LINK)) {
                    if (size > MAX_EXTENDED) {
                        throw new IOException("A tar extended header of " + size + " bytes is larger than "
                                + MAX_EXTENDED);
                    }
                    byte[] data = readFully((int) size); // grows with what is there, not with what is declared
                    skipZeros(padding(size), "the padding of an extended header");
                    if (type == GNU_LONG_NAME) {
                        longName = cString(data, 0, data.length);
                    } else if (type == PAX) {
                        for (String[] r : paxRecords(data)) {
                            switch (r[0]) {
                                case "path" -> paxPath = r[1];
                                case "size" -> paxSize = parseLong(r[1], "size");
                                case "mtime" -> paxTime = decimalSeconds(r[1]);
                                default -> sparse |= r[0].startsWith("GNU.sparse.");
                            }
                        }
                    } else if (type == PAX_GLOBAL) {
                        for (String[] r : paxRecords(data)) {
                            sparse |= r[0].startsWith("GNU.sparse.");
                        }
                    }
                    continue;
                }
                boolean ustar = block[257] == 'u' && block[258] == 's' && block[259] == 't' && block[260] == 'a'
                        && block[261] == 'r' && block[262] == 0;
                String name = cString(block, 0, 100);
                if (ustar && block[345] != 0) {
                    name = cString(block, 345, 155) + "/" + name;
                }
                if (longName != null) {
                    name = longName;
                }
                if (paxPath != null) {
                    name = paxPath;
                }
                if (type == DIRECTORY && !name.endsWith("/")) {
                    name = name + "/";
                }
                int mode = (int) number(block, 100, 8, "mode");
                Instant modified = paxTime != null ? paxTime : Instant.ofEpochSecond(number(block, 136, 12, "mtime"));
                if (paxSize >= 0) {
                    size = paxSize;
                }
                sparse |= type == GNU_SPARSE;
                remaining = size;
                padding = padding(size);
                return new Header(name, type, size, mode, modified, checksumOk, sparse);
            }
        }

        /** Reads the current entry's content; -1 at its end. */
        int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("The archive ends inside an entry, " + remaining + " bytes short");
            }
            remaining -= n;
            return n;
        }

        private boolean readBlock() throws IOException {
            int n = in.readNBytes(block, 0, BLOCK);
            if (n == 0) {
                return false;
            }
            if (n < BLOCK) {
                throw new EOFException("The archive ends inside a header block");
            }
            for (byte b : block) {
                if (b != 0) {
                    return true;
                }
            }
            return false; // a zero block ends the archive
        }

        private byte[] readFully(int size) throws IOException {
            byte[] data = in.readNBytes(size);
            if (data.length < size) {
                throw new EOFException("The archive ends inside an extended header");
            }
            return data;
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                int step = (int) Math.min(n, BLOCK);
                int read = in.readNBytes(block, 0, step);
                if (read < step) {
                    throw new EOFException("The archive ends inside an entry, " + (n - read) + " bytes short");
                }
                n -= read;
            }
        }

        /**
         * Reads what is left after the end of the archive (its last zero blocks and the record's
         * padding): nothing but zeros, so that no byte of a stored archive goes unchecked.
         */
        void end() throws IOException {
            if (!ended) {
                throw new IllegalStateException("the archive has not ended");
            }
            int n;
            while ((n = in.readNBytes(block, 0, BLOCK)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (block[i] != 0) {
                        throw new IOException("The archive has data after its end");
                    }
                }
            }
        }

        private void skipZeros(long n, String where) throws IOException {
            while (n > 0) {
                int step = (int) Math.min(n, BLOCK);
                int read = in.readNBytes(block, 0, step);
                if (read < step) {
                    throw new EOFException("The archive ends inside " + where);
                }
                for (int i = 0; i < read; i++) {
                    if (block[i] != 0) {
                        throw new IOException("The archive has data in " + where);
                    }
                }
                n -= read;
            }
        }

        private static long padding(long size) {
            return (BLOCK - size % BLOCK) % BLOCK;
        }

        private static boolean checksumOk(byte[] h) throws IOException {
            long stored = number(h, 148, 8, "checksum");
            long unsigned = 0;
            long signed = 0;
            for (int i = 0; i < BLOCK; i++) {
                byte b = i >= 148 && i < 156 ? (byte) ' ' : h[i];
                unsigned += b & 0xff;
                signed += b;
            }
            return stored == unsigned || stored == signed;
        }

        /** An octal field (leading spaces, trailing NUL or spaces) or a base-256 one (high bit set). */
        private static long number(byte[] h, int offset, int length, String field) throws IOException {
            if ((h[offset] & 0x80) != 0) {
                String refused = "A tar header's " + field + " is a negative or too large base-256 number";
                if ((h[offset] & 0x40) != 0) {
                    throw new IOException(refused);
                }
                long value = h[offset] & 0x3f;
                for (int i = 1; i < length; i++) {
                    if (value >>> 55 != 0) { // another byte would overflow the long
                        throw new IOException(refused);
                    }
                    value = value << 8 | h[offset + i] & 0xff;
                }
                return value;
            }
            int at = offset;
            int end = offset + length;
            while (at < end && h[at] == ' ') {
                at++;
            }
            long value = 0;
            int digits = 0;
            for (; at < end && h[at] >= '0' && h[at] <= '7'; at++, digits++) {
                value = value << 3 | h[at] - '0';
            }
            for (; at < end; at++) {
                if (h[at] != 0 && h[at] != ' ') {
                    throw new IOException("A tar header's " + field + " is not an octal number");
                }
            }
            if (digits > 21) {
                throw new IOException("A tar header's " + field + " is too large");
            }
            return value;
        }

        private static String cString(byte[] bytes, int offset, int length) {
            int end = offset;
            while (end < offset + length && bytes[end] != 0) {
                end++;
            }
            return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
        }

        /** The records of a PAX header: {@code "<length> <key>=<value>\n"}, each checked. */
        private static List<String[]> paxRecords(byte[] data) throws IOException {
            List<String[]> records = new ArrayList<>();
            int at = 0;
            while (at < data.length) {
                if (data[at] == 0) {
                    break; // padding some writers leave
                }
                int space = at;
                long length = 0;
                while (space < data.length && data[space] >= '0' && data[space] <= '9' && length < MAX_EXTENDED) {
                    length = length * 10 + data[space] - '0';
                    space++;
                }
                if (space == at || space >= data.length || data[space] != ' ' || length <= space - at + 1
                        || at + length > data.length || data[(int) (at + length - 1)] != '\n') {
                    throw new IOException("A tar PAX header has a malformed record");
                }
                String record = new String(data, space + 1, (int) (at + length - 1 - space - 1), StandardCharsets.UTF_8);
                int equals = record.indexOf('=');
                if (equals <= 0) {
                    throw new IOException("A tar PAX header has a record without a key");
                }
                records.add(new String[] {record.substring(0, equals), record.substring(equals + 1)});
                at += (int) length;
            }
            return records;
        }

        private static long parseLong(String value, String key) throws IOException {
            try {
                long v = Long.parseLong(value);
                if (v < 0) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IOException("A tar PAX header's " + key + " is not a number: '" + value + "'");
            }
        }

        /** A PAX time: decimal seconds, maybe negative, with up to nine digits of fraction used. */
        static Instant decimalSeconds(String value) throws IOException {
            int at = value.startsWith("-") ? 1 : 0;
            int dot = value.indexOf('.');
            String whole = value.substring(at, dot < 0 ? value.length() : dot);
            String fraction = dot < 0 ? "" : value.substring(dot + 1);
            if (whole.isEmpty() || whole.length() > 18 || !digits(whole) || !digits(fraction)) {
                throw new IOException("A tar PAX header's mtime is not a time: '" + value + "'");
            }
            long seconds = Long.parseLong(whole);
            long nanos = fraction.isEmpty() ? 0 : Long.parseLong((fraction + "000000000").substring(0, 9));
            return at == 0 ? Instant.ofEpochSecond(seconds, nanos) : Instant.ofEpochSecond(-seconds, -nanos);
        }

        private static boolean digits(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                    return false;
                }
            }
            return true;
        }
    }

    /** The sum of a header's bytes with its checksum field counted as spaces. */
    static long checksum(byte[] h) {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : h[i] & 0xff;
        }
        return sum;
    }
}
