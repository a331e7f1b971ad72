package io.backupkit.transport.sftp;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.keyprovider.ClassLoadableResourceKeyPairProvider;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.mac.Mac;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.common.extensions.openssh.AbstractOpenSSHExtensionParser.OpenSSHExtension;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * An SFTP server inside the test JVM (Apache MINA SSHD) on a free port of 127.0.0.1: the fast tier of
 * the SFTP tests.
 *
 * <p>It serves one directory as the SFTP root {@code /} (which is also the login directory), presents a
 * fixed RSA host key (the classpath resource {@value #HOST_KEY_RESOURCE}, committed with the tests, so
 * its fingerprint is {@value #HOST_KEY_FINGERPRINT} in every run) and accepts public-key authentication
 * only, for the keys it was given (and, if set, one user name). It can inject faults: writes that fail
 * with "No space left on device" after a number of bytes, a server that speaks only a given (weak) set
 * of algorithms, and an SFTP subsystem without the {@code posix-rename@openssh.com} extension.
 *
 * <pre>{@code
 * try (EmbeddedSftpServer server = EmbeddedSftpServer.builder(dir).user("backup").authorizedKey(key).start()) {
 *     ... connect to 127.0.0.1:server.port(), trust server.hostKey() ...
 * }
 * }</pre>
 *
 * Thread-safe; {@link #close()} stops the server and drops every session.
 */
final class EmbeddedSftpServer implements AutoCloseable {
    /** The classpath resource holding the fixed host key (OpenSSH format, RSA 3072). */
    static final String HOST_KEY_RESOURCE = "embedded-host-key";
    /** What {@code ssh-keygen -lf embedded-host-key.pub} prints for the fixed host key. */
    static final String HOST_KEY_FINGERPRINT = "SHA256:JROw1Xid8jKNnbV/lRrodGiCdVuixrivYBaleDlIx2A";
    /** The message of the injected write failure, as the JDK reports ENOSPC. */
    static final String NO_SPACE = "No space left on device";
    static final String POSIX_RENAME = "posix-rename@openssh.com";

    /** Weak algorithms that a modern client no longer offers by default. */
    static final List<String> WEAK_KEX = List.of("diffie-hellman-group14-sha1");
    static final List<String> WEAK_CIPHERS = List.of("aes128-cbc");
    static final List<String> WEAK_MACS = List.of("hmac-sha1");
    static final List<String> WEAK_SIGNATURES = List.of("ssh-rsa");

    private final SshServer sshd;
    private final Path root;
    private final String user;
    private final PublicKey hostKey;
    private final List<PublicKey> authorizedKeys;
    private final WriteFault writeFault;

    private EmbeddedSftpServer(Builder builder) throws IOException {
        this.root = builder.root;
        this.user = builder.user;
        this.authorizedKeys = new CopyOnWriteArrayList<>(builder.authorizedKeys);
        this.writeFault = new WriteFault();
        if (builder.failAfterBytes >= 0) {
            writeFault.arm(builder.failAfterBytes, builder.failGlob);
        }
        ClassLoadableResourceKeyPairProvider hostKeys =
                new ClassLoadableResourceKeyPairProvider(EmbeddedSftpServer.class.getClassLoader(), HOST_KEY_RESOURCE);
        this.hostKey = loadHostKey(hostKeys);

        SftpSubsystemFactory sftp = builder.posixRename ? new SftpSubsystemFactory() : new NoPosixRenameFactory();
        sftp.setFileSystemAccessor(new FaultyAccessor(writeFault));

        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(hostKeys);
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sshd.setSubsystemFactories(List.of(sftp));
        sshd.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);
        sshd.setPublickeyAuthenticator(this::accepts);
        if (builder.kex != null) {
            sshd.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(
                    false, resolve(builder.kex, BuiltinDHFactories::fromFactoryName, "key exchange"), ServerBuilder.DH2KEX));
        }
        if (builder.ciphers != null) {
            sshd.setCipherFactories(List.<NamedFactory<Cipher>>copyOf(
                    resolve(builder.ciphers, BuiltinCiphers::fromFactoryName, "cipher")));
        }
        if (builder.macs != null) {
            sshd.setMacFactories(List.<NamedFactory<Mac>>copyOf(
                    resolve(builder.macs, BuiltinMacs::fromFactoryName, "MAC")));
        }
        if (builder.signatures != null) {
            sshd.setSignatureFactories(List.<NamedFactory<Signature>>copyOf(
                    resolve(builder.signatures, BuiltinSignatures::fromFactoryName, "signature")));
        }
        sshd.start();
        if (sshd.getPort() <= 0) {
            sshd.stop(true);
            throw new IllegalStateException("The embedded SFTP server did not report its port");
        }
    }

    /** A server that will serve {@code root} (an existing directory) as its SFTP root. */
    static Builder builder(Path root) {
        return new Builder(root);
    }

    int port() {
        return sshd.getPort();
    }

    /** Always {@code 127.0.0.1}. */
    String host() {
        return "127.0.0.1";
    }

    /** The served directory (absolute). */
    Path root() {
        return root;
    }

    /** The only accepted user name, or null when any name is accepted. */
    String user() {
        return user;
    }

    PublicKey hostKey() {
        return hostKey;
    }

    /** {@code SHA256:<base64 without padding>}, exactly as {@code ssh-keygen -lf} prints it. */
    String hostKeyFingerprint() {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, hostKey);
    }

    /** The host key as {@code ssh-rsa AAAA...} (type and base64, no comment). */
    String hostKeyLine() {
        return PublicKeyEntry.toString(hostKey);
    }

    /** A {@code known_hosts} line for this server: {@code [127.0.0.1]:PORT ssh-rsa AAAA...}. */
    String knownHostsLine() {
        return "[127.0.0.1]:" + port() + " " + hostKeyLine();
    }

    /** Accepts one more client key from now on. */
    void authorize(PublicKey key) {
        authorizedKeys.add(requireNonNull(key, "key is null"));
    }

    /** Accepts the key of an {@code authorized_keys} line ({@code ssh-ed25519 AAAA... comment}). */
    void authorize(String authorizedKeysLine) {
        authorize(parsePublicKey(authorizedKeysLine));
    }

    /**
     * From now on, writes fail with {@value #NO_SPACE} once they would take the bytes written since
     * this call past {@code bytes}; a {@code fileNameGlob} (on the file name only, e.g. {@code *.tar})
     * limits this to matching files, null means every file. A write that would cross the limit writes
     * nothing, so at most {@code bytes} bytes land.
     */
    void failWritesAfter(long bytes, String fileNameGlob) {
        writeFault.arm(bytes, fileNameGlob);
    }

    /** Lets every write through again. */
    void clearWriteFailure() {
        writeFault.disarm();
    }

    /** Bytes written through SFTP to files that the write-failure rule counts, since it was set. */
    long countedBytesWritten() {
        return writeFault.written();
    }

    @Override
    public void close() throws IOException {
        sshd.stop(true);
    }

    @Override
    public String toString() {
        return "EmbeddedSftpServer[127.0.0.1:" + port() + ", root " + root + "]";
    }

    private boolean accepts(String username, PublicKey key, ServerSession session) {
        if (user != null && !user.equals(username)) {
            return false;
        }
        for (PublicKey accepted : authorizedKeys) {
            if (KeyUtils.compareKeys(accepted, key)) {
                return true;
            }
        }
        return false;
    }

    private static PublicKey loadHostKey(ClassLoadableResourceKeyPairProvider provider) {
        try {
            Iterator<KeyPair> keys = provider.loadKeys(null).iterator();
            if (!keys.hasNext()) {
                throw new IllegalStateException("No host key in resource '" + HOST_KEY_RESOURCE + "'");
            }
            return keys.next().getPublic();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot load the host key resource '" + HOST_KEY_RESOURCE + "'", e);
        }
    }

    static PublicKey parsePublicKey(String authorizedKeysLine) {
        requireNonNull(authorizedKeysLine, "authorizedKeysLine is null");
        try {
            return AuthorizedKeyEntry.parseAuthorizedKeyEntry(authorizedKeysLine.strip())
                    .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("Not a public key line: '" + authorizedKeysLine.strip() + "'", e);
        }
    }

    private static <T extends NamedResource> List<T> resolve(List<String> names, Function<String, T> byName, String kind) {
        List<T> resolved = new ArrayList<>();
        for (String name : names) {
            T factory = byName.apply(name);
            if (factory == null) {
                throw new IllegalArgumentException("Unknown " + kind + " algorithm '" + name + "'");
            }
            resolved.add(factory);
        }
        return resolved;
    }

    /** Configures and starts an {@link EmbeddedSftpServer}; not thread-safe. */
    static final class Builder {
        private final Path root;
        private String user;
        private final List<PublicKey> authorizedKeys = new ArrayList<>();
        private long failAfterBytes = -1;
        private String failGlob;
        private List<String> kex;
        private List<String> ciphers;
        private List<String> macs;
        private List<String> signatures;
        private boolean posixRename = true;

        private Builder(Path root) {
            requireNonNull(root, "root is null");
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException("Root '" + root + "' is not a directory");
            }
            try {
                this.root = root.toRealPath();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Accept only this user name (by default any name is accepted). */
        Builder user(String user) {
            this.user = requireNonNull(user, "user is null");
            return this;
        }

        Builder authorizedKey(PublicKey key) {
            authorizedKeys.add(requireNonNull(key, "key is null"));
            return this;
        }

        /** The key of an {@code authorized_keys} line, e.g. the content of {@code id_ecdsa.pub}. */
        Builder authorizedKey(String authorizedKeysLine) {
            authorizedKeys.add(parsePublicKey(authorizedKeysLine));
            return this;
        }

        /** See {@link EmbeddedSftpServer#failWritesAfter(long, String)}; every file counts. */
        Builder failWritesAfter(long bytes) {
            return failWritesAfter(bytes, null);
        }

        /** See {@link EmbeddedSftpServer#failWritesAfter(long, String)}. */
        Builder failWritesAfter(long bytes, String fileNameGlob) {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes must not be negative: " + bytes);
            }
            this.failAfterBytes = bytes;
            this.failGlob = fileNameGlob;
            return this;
        }

        /** Only these key exchange methods, by their SSH names (default: MINA's defaults). */
        Builder kexAlgorithms(String... names) {
            this.kex = names(names);
            return this;
        }

        Builder ciphers(String... names) {
            this.ciphers = names(names);
            return this;
        }

        Builder macs(String... names) {
            this.macs = names(names);
            return this;
        }

        /** Only these signature algorithms, for the host key and for public-key authentication. */
        Builder signatureAlgorithms(String... names) {
            this.signatures = names(names);
            return this;
        }

        /**
         * Only the weak set: {@code diffie-hellman-group14-sha1}, {@code aes128-cbc}, {@code hmac-sha1}
         * and {@code ssh-rsa}; a client that offers only modern algorithms cannot connect.
         */
        Builder weakAlgorithmsOnly() {
            this.kex = WEAK_KEX;
            this.ciphers = WEAK_CIPHERS;
            this.macs = WEAK_MACS;
            this.signatures = WEAK_SIGNATURES;
            return this;
        }

        /** The SFTP subsystem neither announces nor accepts {@code posix-rename@openssh.com}. */
        Builder withoutPosixRename() {
            this.posixRename = false;
            return this;
        }

        EmbeddedSftpServer start() throws IOException {
            return new EmbeddedSftpServer(this);
        }

        private static List<String> names(String... names) {
            if (names.length == 0) {
                throw new IllegalArgumentException("At least one algorithm is needed");
            }
            return List.of(names);
        }
    }

    /** The shared "disk full" rule: armed with a byte budget and an optional file-name glob. */
    private static final class WriteFault {
        private long limit = -1;
        private PathMatcher matcher;
        private long written;

        synchronized void arm(long bytes, String glob) {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes must not be negative: " + bytes);
            }
            limit = bytes;
            matcher = glob == null ? null : FileSystems.getDefault().getPathMatcher("glob:" + glob);
            written = 0;
        }

        synchronized void disarm() {
            limit = -1;
            matcher = null;
            written = 0;
        }

        synchronized long written() {
            return written;
        }

        synchronized void admit(Path fileName, long bytes) throws IOException {
            if (limit < 0 || bytes <= 0) {
                return;
            }
            if (matcher != null && (fileName == null || !matcher.matches(fileName))) {
                return;
            }
            if (written + bytes > limit) {
                throw new IOException(NO_SPACE);
            }
            written += bytes;
        }
    }

    /** Opens files as usual, but every writable file goes through the write-failure rule. */
    private static final class FaultyAccessor implements SftpFileSystemAccessor {
        private final WriteFault fault;

        FaultyAccessor(WriteFault fault) {
            this.fault = fault;
        }

        @Override
        public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file,
                String handle, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
            SeekableByteChannel channel =
                    SftpFileSystemAccessor.super.openFile(subsystem, fileHandle, file, handle, options, attrs);
            boolean writable = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
            if (writable && channel instanceof FileChannel) {
                return new FaultyFileChannel((FileChannel) channel, file.getFileName(), fault);
            }
            return channel;
        }
    }

    /**
     * A {@link FileChannel} (so MINA's fsync, lock and sync-on-close still work) that asks the
     * write-failure rule before every write.
     */
    private static final class FaultyFileChannel extends FileChannel {
        private final FileChannel delegate;
        private final Path fileName;
        private final WriteFault fault;

        FaultyFileChannel(FileChannel delegate, Path fileName, WriteFault fault) {
            this.delegate = delegate;
            this.fileName = fileName;
            this.fault = fault;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            fault.admit(fileName, src.remaining());
            return delegate.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = Arrays.stream(srcs, offset, offset + length).mapToLong(ByteBuffer::remaining).sum();
            fault.admit(fileName, total);
            return delegate.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            delegate.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, 64 * 1024));
            long done = 0;
            while (done < count) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
                int n = src.read(buffer);
                if (n <= 0) {
                    break;
                }
                buffer.flip();
                while (buffer.hasRemaining()) {
                    done += write(buffer, position + done);
                }
            }
            return done;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            fault.admit(fileName, src.remaining());
            return delegate.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            if (mode != MapMode.READ_ONLY) {
                throw new UnsupportedOperationException("Writable mappings would bypass the write-failure rule");
            }
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }

    /** An SFTP subsystem that does not offer {@value #POSIX_RENAME} and answers it as unsupported. */
    private static final class NoPosixRenameFactory extends SftpSubsystemFactory {
        @Override
        public Command createSubsystem(ChannelSession channel) throws IOException {
            SftpSubsystem subsystem = new SftpSubsystem(channel, this) {
                @Override
                protected List<OpenSSHExtension> resolveOpenSSHExtensions(ServerSession session) {
                    List<OpenSSHExtension> extensions = new ArrayList<>(super.resolveOpenSSHExtensions(session));
                    extensions.removeIf(extension -> POSIX_RENAME.equals(extension.getName()));
                    return extensions;
                }

                @Override
                protected void doPosixRename(Buffer buffer, int id) throws IOException {
                    doUnsupportedExtension(buffer, id, POSIX_RENAME);
                }
            };
            getRegisteredListeners().forEach(subsystem::addSftpEventListener);
            return subsystem;
        }
    }
}
