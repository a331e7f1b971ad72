package io.backupkit.core.internal.keys;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * RSA key pairs for SSH, JDK only: generates them, writes PKCS#8 PEM, reads PKCS#1, PKCS#8 and
 * OpenSSH private keys, and renders public keys as authorized_keys lines and SHA-256 fingerprints.
 */
public final class RsaKeys {
    /** Size of generated keys, in bits. */
    public static final int GENERATED_BITS = 3072;
    /** Smallest modulus accepted by {@link #parsePrivateKey(String)}, in bits. */
    public static final int MIN_BITS = 2048;
    /** Largest modulus accepted by {@link #parsePrivateKey(String)}, in bits. */
    public static final int MAX_BITS = 16384;

    private static final String FIELD = "new_private_key: ";
    private static final String SSH_RSA = "ssh-rsa";
    private static final String RSA_OID = "1.2.840.113549.1.1.1";
    private static final int MAX_PEM_CHARS = 64 * 1024;
    private static final byte[] OPENSSH_MAGIC = "openssh-key-v1\0".getBytes(US_ASCII);

    private static final String PKCS1_LABEL = "RSA PRIVATE KEY";
    private static final String PKCS8_LABEL = "PRIVATE KEY";
    private static final String OPENSSH_LABEL = "OPENSSH PRIVATE KEY";
    private static final String NOT_PEM = "not a PEM private key"
            + " (expected BEGIN RSA PRIVATE KEY, BEGIN PRIVATE KEY or BEGIN OPENSSH PRIVATE KEY)";
    private static final String ENCRYPTED =
            "an encrypted key is not supported; remove the passphrase first (ssh-keygen -p -N \"\" -f KEY)";

    /** PEM labels of other key types, and the type each names. */
    private static final Map<String, String> OTHER_LABELS = Map.of(
            "EC PRIVATE KEY", "EC",
            "DSA PRIVATE KEY", "DSA");

    /** PKCS#8 algorithm OIDs of other key types, and the type each names. */
    private static final Map<String, String> OTHER_OIDS = Map.of(
            "1.2.840.10045.2.1", "EC",
            "1.2.840.10040.4.1", "DSA",
            "1.3.101.110", "X25519",
            "1.3.101.111", "X448",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448",
            "1.2.840.113549.1.1.10", "RSASSA-PSS");

    private RsaKeys() {}

    /** A new RSA key pair of {@value #GENERATED_BITS} bits, public exponent 65537. */
    public static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(new RSAKeyGenParameterSpec(GENERATED_BITS, RSAKeyGenParameterSpec.F4));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new BackupException(ErrorCode.INTERNAL, "cannot generate an RSA key pair", e);
        }
    }

    /**
     * The key as PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), base64 in 64-character lines,
     * {@code \n} line ends and a trailing newline.
     */
    public static String toPem(PrivateKey key) {
        requireNonNull(key, "key is null");
        if (!"RSA".equals(key.getAlgorithm())) {
            throw invalid("private key: only RSA keys are supported (got " + printable(key.getAlgorithm()) + ")");
        }
        byte[] der = "PKCS#8".equals(key.getFormat()) ? key.getEncoded() : null;
        if (der == null) {
            throw invalid("private key: must be encodable as PKCS#8 (got format '"
                    + printable(String.valueOf(key.getFormat())) + "')");
        }
        try {
            String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
            return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /**
     * Reads an unencrypted RSA private key of at least {@value #MIN_BITS} bits in PKCS#1
     * ({@code BEGIN RSA PRIVATE KEY}), PKCS#8 ({@code BEGIN PRIVATE KEY}) or OpenSSH
     * ({@code BEGIN OPENSSH PRIVATE KEY}) PEM form, and derives its public key.
     *
     * @throws BackupException {@link ErrorCode#INVALID_INPUT} for anything else; the message never
     *     holds key material
     */
    public static KeyPair parsePrivateKey(String pem) {
        requireNonNull(pem, "pem is null");
        if (pem.length() > MAX_PEM_CHARS) {
            throw invalid(FIELD + "too large for a private key (" + pem.length() + " characters, at most "
                    + MAX_PEM_CHARS + ")");
        }
        Pem parsed = Pem.parse(pem);
        byte[] data = parsed.data();
        try {
            switch (parsed.label()) {
                case PKCS1_LABEL:
                    return fromPkcs1(new Der(data, "PKCS#1 key"));
                case PKCS8_LABEL:
                    return fromPkcs8(data);
                default:
                    return fromOpenSsh(data);
            }
        } finally {
            Arrays.fill(data, (byte) 0);
        }
    }

    /**
     * The public key as an OpenSSH authorized_keys line, {@code ssh-rsa AAAA... comment}, without a
     * line end. A null or blank comment is left out.
     */
    public static String authorizedKey(RSAPublicKey key, String comment) {
        requireNonNull(key, "key is null");
        String line = SSH_RSA + " " + Base64.getEncoder().encodeToString(publicKeyBlob(key));
        if (comment == null || comment.isBlank()) {
            return line;
        }
        if (comment.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw invalid("comment: must not contain line breaks or control characters");
        }
        return line + " " + comment.strip();
    }

    /** The SSH wire encoding of the public key: string "ssh-rsa", mpint e, mpint n (RFC 4253). */
    public static byte[] publicKeyBlob(RSAPublicKey key) {
        requireNonNull(key, "key is null");
        SshWriter out = new SshWriter();
        out.string(SSH_RSA.getBytes(US_ASCII));
        out.mpint(key.getPublicExponent());
        out.mpint(key.getModulus());
        return out.toByteArray();
    }

    /**
     * The fingerprint as {@code ssh-keygen -lf} prints it: {@code SHA256:} and the unpadded base64 of
     * the SHA-256 of the key's SSH wire encoding. Only RSA keys; for others use {@link #fingerprint(byte[])}.
     */
    public static String fingerprint(PublicKey key) {
        requireNonNull(key, "key is null");
        if (!(key instanceof RSAPublicKey)) {
            throw invalid("public key: only RSA keys are supported (got " + printable(key.getAlgorithm())
                    + "); pass the SSH wire encoding instead");
        }
        return fingerprint(publicKeyBlob((RSAPublicKey) key));
    }

    /** The fingerprint of a public key of any type, given its SSH wire encoding (the base64 field of a .pub file, decoded). */
    public static String fingerprint(byte[] sshWireBlob) {
        requireNonNull(sshWireBlob, "sshWireBlob is null");
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(sshWireBlob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new BackupException(ErrorCode.INTERNAL, "SHA-256 is not available", e);
        }
    }

    // ---- formats

    /** RSAPrivateKey of RFC 8017 A.1.2. */
    private static KeyPair fromPkcs1(Der der) {
        Der key = der.sequence();
        der.end();
        BigInteger version = key.integer();
        if (version.signum() != 0) {
            throw version.equals(BigInteger.ONE)
                    ? invalid(FIELD + "multi-prime RSA keys are not supported")
                    : der.fail("unknown version");
        }
        BigInteger n = key.integer();
        BigInteger e = key.integer();
        BigInteger d = key.integer();
        BigInteger p = key.integer();
        BigInteger q = key.integer();
        BigInteger dP = key.integer();
        BigInteger dQ = key.integer();
        BigInteger qInv = key.integer();
        key.end();
        return keyPair(n, e, d, p, q, dP, dQ, qInv);
    }

    /** PrivateKeyInfo / OneAsymmetricKey of RFC 5208 and RFC 5958. */
    private static KeyPair fromPkcs8(byte[] data) {
        Der der = new Der(data, "PKCS#8 key");
        Der info = der.sequence();
        der.end();
        BigInteger version = info.integer();
        if (version.signum() != 0 && !version.equals(BigInteger.ONE)) {
            throw der.fail("unknown version");
        }
        Der algorithm = info.sequence();
        String oid = algorithm.oid();
        if (!RSA_OID.equals(oid)) {
            String type = OTHER_OIDS.get(oid);
            throw onlyRsa(type != null ? type : "algorithm " + oid);
        }
        if (algorithm.hasMore()) {
            algorithm.nul();
        }
        algorithm.end();
        byte[] inner = info.octetString();
        // optional [0] attributes and [1] public key follow; they are not needed
        try {
            return fromPkcs1(new Der(inner, "PKCS#8 key"));
        } finally {
            Arrays.fill(inner, (byte) 0);
        }
    }

    /** The openssh-key-v1 format of OpenSSH's PROTOCOL.key. */
    private static KeyPair fromOpenSsh(byte[] data) {
        SshReader in = new SshReader(data, "OpenSSH key");
        if (data.length < OPENSSH_MAGIC.length
                || !Arrays.equals(data, 0, OPENSSH_MAGIC.length, OPENSSH_MAGIC, 0, OPENSSH_MAGIC.length)) {
            throw in.fail("missing 'openssh-key-v1' magic");
        }
        in.skip(OPENSSH_MAGIC.length);
        String cipher = in.text();
        String kdf = in.text();
        in.string(); // kdf options
        int count = in.uint32();
        if (count != 1) {
            throw invalid(FIELD + "an OpenSSH key file must hold exactly one key (got "
                    + Integer.toUnsignedString(count) + ")");
        }
        SshReader pub = new SshReader(in.string(), "OpenSSH key");
        String type = pub.text();
        if (!SSH_RSA.equals(type)) {
            throw onlyRsa(printable(type));
        }
        BigInteger publicE = pub.mpint();
        BigInteger publicN = pub.mpint();
        pub.end();
        if (!"none".equals(cipher) || !"none".equals(kdf)) {
            throw invalid(FIELD + ENCRYPTED);
        }
        byte[] section = in.string();
        in.end();
        try {
            return fromOpenSshPrivate(new SshReader(section, "OpenSSH key"), publicE, publicN);
        } finally {
            Arrays.fill(section, (byte) 0);
        }
    }

    private static KeyPair fromOpenSshPrivate(SshReader in, BigInteger publicE, BigInteger publicN) {
        if (in.remaining() % 8 != 0) {
            throw in.fail("private section is not padded to a multiple of 8 bytes");
        }
        if (in.uint32() != in.uint32()) {
            throw in.fail("the check values differ");
        }
        if (!SSH_RSA.equals(in.text())) {
            throw in.fail("the private key type is not the public key type");
        }
        BigInteger n = in.mpint();
        BigInteger e = in.mpint();
        BigInteger d = in.mpint();
        BigInteger iqmp = in.mpint();
        BigInteger p = in.mpint();
        BigInteger q = in.mpint();
        in.string(); // comment
        for (int pad = 1; in.remaining() > 0; pad++) {
            if (in.uint8() != pad) {
                throw in.fail("bad padding");
            }
        }
        if (!n.equals(publicN) || !e.equals(publicE)) {
            throw in.fail("the public and private parts do not match");
        }
        if (p.compareTo(BigInteger.ONE) <= 0 || q.compareTo(BigInteger.ONE) <= 0) {
            throw inconsistent();
        }
        BigInteger dP = d.mod(p.subtract(BigInteger.ONE));
        BigInteger dQ = d.mod(q.subtract(BigInteger.ONE));
        return keyPair(n, e, d, p, q, dP, dQ, iqmp);
    }

    private static KeyPair keyPair(BigInteger n, BigInteger e, BigInteger d, BigInteger p, BigInteger q,
            BigInteger dP, BigInteger dQ, BigInteger qInv) {
        checkSize(n);
        checkConsistent(n, e, d, p, q, dP, dQ, qInv);
        try {
            KeyFactory factory = KeyFactory.getInstance("RSA");
            PrivateKey privateKey = factory.generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q, dP, dQ, qInv));
            PublicKey publicKey = factory.generatePublic(new RSAPublicKeySpec(n, e));
            return new KeyPair(publicKey, privateKey);
        } catch (GeneralSecurityException ex) {
            // the JDK's messages hold no key material, but keep them out of ours anyway
            throw new BackupException(ErrorCode.INVALID_INPUT, FIELD + "not a usable RSA key", ex);
        }
    }

    private static void checkSize(BigInteger n) {
        if (n.signum() <= 0) {
            throw inconsistent();
        }
        int bits = n.bitLength();
        if (bits < MIN_BITS) {
            throw invalid(FIELD + "RSA keys must have at least " + MIN_BITS + " bits (got " + bits + ")");
        }
        if (bits > MAX_BITS) {
            throw invalid(FIELD + "RSA keys must have at most " + MAX_BITS + " bits (got " + bits + ")");
        }
    }

    /** Cheap checks that the CRT parameters belong together; a corrupt key fails here, not at first use. */
    private static void checkConsistent(BigInteger n, BigInteger e, BigInteger d, BigInteger p, BigInteger q,
            BigInteger dP, BigInteger dQ, BigInteger qInv) {
        BigInteger one = BigInteger.ONE;
        if (e.compareTo(one) <= 0 || !e.testBit(0) || d.signum() <= 0 || p.compareTo(one) <= 0
                || q.compareTo(one) <= 0 || !p.multiply(q).equals(n)) {
            throw inconsistent();
        }
        BigInteger p1 = p.subtract(one);
        BigInteger q1 = q.subtract(one);
        if (!d.mod(p1).equals(dP) || !d.mod(q1).equals(dQ)
                || !e.multiply(dP).mod(p1).equals(one) || !e.multiply(dQ).mod(q1).equals(one)
                || qInv.signum() <= 0 || qInv.compareTo(p) >= 0 || !qInv.multiply(q).mod(p).equals(one)) {
            throw inconsistent();
        }
    }

    // ---- errors

    private static BackupException invalid(String message) {
        return new BackupException(ErrorCode.INVALID_INPUT, message);
    }

    private static BackupException onlyRsa(String type) {
        return invalid(FIELD + "only RSA keys are supported (got " + type + ")");
    }

    private static BackupException inconsistent() {
        return invalid(FIELD + "the RSA key parameters do not belong together; the key is corrupt");
    }

    /** A name read from the input, safe to put in a message: printable ASCII, at most 40 characters. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 40; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.length() > 40 ? out + "..." : out.toString();
    }

    // ---- PEM

    /** A PEM block's label and decoded body. */
    private record Pem(String label, byte[] data) {
        static Pem parse(String text) {
            String[] lines = text.strip().split("\r\n|\r|\n", -1);
            String first = lines[0].strip();
            if (!first.startsWith("-----BEGIN ") || !first.endsWith("-----") || first.length() < 16) {
                throw invalid(FIELD + NOT_PEM);
            }
            String label = first.substring("-----BEGIN ".length(), first.length() - "-----".length());
            if ("ENCRYPTED PRIVATE KEY".equals(label)) {
                throw invalid(FIELD + "encrypted PKCS#8 keys are not supported");
            }
            if (OTHER_LABELS.containsKey(label)) {
                throw onlyRsa(OTHER_LABELS.get(label));
            }
            if (!label.equals(PKCS1_LABEL) && !label.equals(PKCS8_LABEL) && !label.equals(OPENSSH_LABEL)) {
                throw invalid(FIELD + NOT_PEM);
            }
            String end = "-----END " + label + "-----";
            if (lines.length < 2 || !lines[lines.length - 1].strip().equals(end)) {
                throw invalid(FIELD + "the PEM does not end with a '" + end + "' line");
            }
            List<String> body = new ArrayList<>();
            for (int i = 1; i < lines.length - 1; i++) {
                body.add(lines[i].strip());
            }
            for (String line : body) {
                if (line.startsWith("Proc-Type:") && line.contains("ENCRYPTED")) {
                    throw invalid(FIELD + ENCRYPTED);
                }
            }
            if (!body.isEmpty() && body.get(0).contains(":")) {
                throw invalid(FIELD + "PEM headers are not supported (expected a plain unencrypted key)");
            }
            StringBuilder base64 = new StringBuilder();
            for (String line : body) {
                base64.append(line);
            }
            if (base64.length() == 0) {
                throw invalid(FIELD + "the PEM body is empty");
            }
            try {
                return new Pem(label, Base64.getDecoder().decode(base64.toString()));
            } catch (IllegalArgumentException e) {
                throw invalid(FIELD + "the PEM body is not valid base64");
            }
        }
    }

    // ---- DER

    /** A reader of the few DER types a private key uses; every read is bounds-checked. */
    private static final class Der {
        private final byte[] data;
        private final int end;
        private final String what;
        private int pos;

        Der(byte[] data, String what) {
            this(data, 0, data.length, what);
        }

        private Der(byte[] data, int pos, int end, String what) {
            this.data = data;
            this.pos = pos;
            this.end = end;
            this.what = what;
        }

        Der sequence() {
            int length = header(0x30, "SEQUENCE");
            Der inner = new Der(data, pos, pos + length, what);
            pos += length;
            return inner;
        }

        BigInteger integer() {
            int length = header(0x02, "INTEGER");
            if (length == 0) {
                throw fail("empty INTEGER");
            }
            BigInteger value = new BigInteger(data, pos, length);
            pos += length;
            return value;
        }

        byte[] octetString() {
            int length = header(0x04, "OCTET STRING");
            byte[] value = Arrays.copyOfRange(data, pos, pos + length);
            pos += length;
            return value;
        }

        void nul() {
            if (header(0x05, "NULL") != 0) {
                throw fail("NULL with content");
            }
        }

        String oid() {
            int length = header(0x06, "OBJECT IDENTIFIER");
            if (length == 0 || (data[pos + length - 1] & 0x80) != 0) {
                throw fail("bad OBJECT IDENTIFIER");
            }
            StringBuilder out = new StringBuilder();
            long value = 0;
            boolean first = true;
            for (int i = pos; i < pos + length; i++) {
                if (value > (Long.MAX_VALUE >> 7)) {
                    throw fail("OBJECT IDENTIFIER component too large");
                }
                value = (value << 7) | (data[i] & 0x7f);
                if ((data[i] & 0x80) == 0) {
                    if (first) {
                        long top = Math.min(value / 40, 2);
                        out.append(top).append('.').append(value - top * 40);
                        first = false;
                    } else {
                        out.append('.').append(value);
                    }
                    value = 0;
                }
            }
            pos += length;
            return out.toString();
        }

        boolean hasMore() {
            return pos < end;
        }

        void end() {
            if (pos != end) {
                throw fail("unexpected data after the key");
            }
        }

        private int header(int tag, String name) {
            if (pos >= end) {
                throw fail("truncated, expected " + name);
            }
            int found = data[pos++] & 0xff;
            if (found != tag) {
                throw fail(String.format("expected %s but found tag 0x%02x", name, found));
            }
            if (pos >= end) {
                throw fail("truncated " + name);
            }
            int first = data[pos++] & 0xff;
            int length;
            if (first < 0x80) {
                length = first;
            } else {
                int count = first & 0x7f;
                if (count == 0) {
                    throw fail("indefinite length");
                }
                if (count > 3) {
                    throw fail("length of " + name + " too large");
                }
                length = 0;
                for (int i = 0; i < count; i++) {
                    if (pos >= end) {
                        throw fail("truncated " + name);
                    }
                    length = (length << 8) | (data[pos++] & 0xff);
                }
            }
            if (length > end - pos) {
                throw fail("truncated " + name);
            }
            return length;
        }

        BackupException fail(String detail) {
            return invalid(FIELD + "malformed " + what + " (" + detail + ")");
        }
    }

    // ---- SSH wire format (RFC 4251)

    /** A reader of SSH wire-format values; every read is bounds-checked. */
    private static final class SshReader {
        private final byte[] data;
        private final String what;
        private int pos;

        SshReader(byte[] data, String what) {
            this.data = data;
            this.what = what;
        }

        int remaining() {
            return data.length - pos;
        }

        void skip(int count) {
            need(count);
            pos += count;
        }

        int uint8() {
            need(1);
            return data[pos++] & 0xff;
        }

        int uint32() {
            need(4);
            int value = ((data[pos] & 0xff) << 24) | ((data[pos + 1] & 0xff) << 16)
                    | ((data[pos + 2] & 0xff) << 8) | (data[pos + 3] & 0xff);
            pos += 4;
            return value;
        }

        byte[] string() {
            int length = uint32();
            if (length < 0 || length > remaining()) {
                throw fail("truncated");
            }
            byte[] value = Arrays.copyOfRange(data, pos, pos + length);
            pos += length;
            return value;
        }

        String text() {
            return new String(string(), UTF_8);
        }

        BigInteger mpint() {
            byte[] bytes = string();
            if (bytes.length > 0 && bytes[0] < 0) {
                throw fail("negative mpint");
            }
            BigInteger value = new BigInteger(1, bytes);
            Arrays.fill(bytes, (byte) 0);
            return value;
        }

        void end() {
            if (remaining() != 0) {
                throw fail("unexpected trailing data");
            }
        }

        private void need(int count) {
            if (count > remaining()) {
                throw fail("truncated");
            }
        }

        BackupException fail(String detail) {
            return invalid(FIELD + "malformed " + what + " (" + detail + ")");
        }
    }

    /** A writer of SSH wire-format values. */
    private static final class SshWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void string(byte[] value) {
            int length = value.length;
            out.write(length >>> 24);
            out.write(length >>> 16);
            out.write(length >>> 8);
            out.write(length);
            out.writeBytes(value);
        }

        /** Two's complement, big-endian, minimal; zero is the empty string. */
        void mpint(BigInteger value) {
            string(value.signum() == 0 ? new byte[0] : value.toByteArray());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
