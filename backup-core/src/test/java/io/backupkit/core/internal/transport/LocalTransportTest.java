package io.backupkit.core.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.Server;
import io.backupkit.spi.StoredObject;
import io.backupkit.spi.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import io.backupkit.spi.ObjectUpload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local-directory transport's own rules. The shared transport contract runs against it in
 * {@link LocalTransportContractTest}.
 */
final class LocalTransportTest {
    @TempDir
    Path temp;

    private Transport transport;

    private Path server() {
        return temp.resolve("server");
    }

    @BeforeEach
    void open() throws IOException {
        transport = new LocalTransport(server());
    }

    @AfterEach
    void close() throws IOException {
        transport.close();
    }

    private Transport transport() {
        return transport;
    }

    private void put(String name, byte[] content, boolean replace) throws IOException {
        try (ObjectUpload upload = transport.create(name, replace)) {
            upload.stream().write(content);
            upload.commit();
        }
    }

    @Test
    void listRemovesAStaleTemporaryAndKeepsAFreshOne() throws IOException {
        Path stale = Files.write(server().resolve(".x." + UUID.randomUUID() + ".part"), new byte[] {1});
        Path fresh = Files.write(server().resolve(".y." + UUID.randomUUID() + ".part"), new byte[] {2});
        Path other = Files.write(server().resolve(".not-a-temporary"), new byte[] {3});
        Instant now = Instant.now();
        Files.setLastModifiedTime(stale, FileTime.from(now.minus(Duration.ofHours(25))));
        Files.setLastModifiedTime(fresh, FileTime.from(now.minus(Duration.ofHours(23))));
        Files.setLastModifiedTime(other, FileTime.from(now.minus(Duration.ofDays(30))));

        assertThat(transport().list()).isEmpty();

        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
        assertThat(other).exists();
    }

    @Test
    void listShowsOnlyRegularFiles() throws IOException {
        Files.createDirectory(server().resolve("subdir"));
        Files.createSymbolicLink(server().resolve("link"), temp);
        put("a.json", new byte[] {1, 2}, false);

        assertThat(transport().list()).extracting(StoredObject::name).containsExactly("a.json");
    }

    @Test
    void refusesNamesThatAreNotPlainFileNames() {
        for (String name : new String[] {"", ".hidden", "a/b", "../x", "a\\b", "a\0b"}) {
            assertThatThrownBy(() -> transport().create(name, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Object name '" + name + "' is not a plain file name");
            assertThatThrownBy(() -> transport().open(name)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> transport().delete(name)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void testFailsWhenTheDirectoryIsMissing() throws IOException {
        Files.delete(server());

        assertThatThrownBy(() -> transport().test())
                .isInstanceOf(IOException.class)
                .hasMessage("Directory '" + server() + "' is not a writable directory");
    }

    @Test
    void testFailsWhenAFileStandsInPlaceOfTheDirectory() throws IOException {
        // tests run as root, for whom no permission bit makes a directory unwritable
        Files.delete(server());
        Files.write(server(), new byte[] {1});

        assertThatThrownBy(() -> transport().test())
                .isInstanceOf(IOException.class)
                .hasMessage("Directory '" + server() + "' is not a writable directory");
    }

    @Test
    void refusesToOpenOntoARegularFile() throws IOException {
        Path file = Files.write(temp.resolve("file"), new byte[] {1});

        assertThatThrownBy(() -> new LocalTransport(file)).isInstanceOf(IOException.class);
    }

    @Test
    void providerSupportsAnEmptyHostOrAFilePath() {
        LocalTransportProvider provider = new LocalTransportProvider();

        assertThat(provider.name()).isEqualTo("local");
        assertThat(provider.supports(server("", "/srv/backups"))).isTrue();
        assertThat(provider.supports(server("backup.example.com", "file:/x"))).isTrue();
        assertThat(provider.supports(server("localhost", "file:/x"))).isTrue();
        assertThat(provider.supports(server("backup.example.com", "/x"))).isFalse();
        assertThat(provider.supports(server("localhost", "/x"))).isFalse();
    }

    @Test
    void providerMapsThePathToADirectory() {
        assertThat(LocalTransportProvider.directory(server("", "/srv/backups"))).isEqualTo(Path.of("/srv/backups"));
        assertThat(LocalTransportProvider.directory(server("h", "file:/x"))).isEqualTo(Path.of("/x"));
        assertThat(LocalTransportProvider.directory(server("", "file:///srv/b"))).isEqualTo(Path.of("/srv/b"));
    }

    @Test
    void providerRefusesARelativePath() {
        assertThatThrownBy(() -> LocalTransportProvider.directory(server("", "backups")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The path 'backups' of local server 'filer' is not absolute");
        assertThatThrownBy(() -> LocalTransportProvider.directory(server("h", "file:backups")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The path 'file:backups' of local server 'filer' is not absolute");
        assertThatThrownBy(() -> new LocalTransportProvider().open(connection(server("", "backups"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void providerOpensATransportOntoTheDirectory() throws IOException {
        Path dir = temp.resolve("via-provider");
        try (Transport transport = new LocalTransportProvider().open(connection(server("", "file:" + dir)))) {
            transport.test();
            try (var upload = transport.create("x.json", false)) {
                upload.stream().write(7);
                upload.commit();
            }
        }

        assertThat(dir.resolve("x.json")).hasBinaryContent(new byte[] {7});
    }

    private static Server server(String host, String path) {
        return new Server(null, "filer", "", host, 22, path, "", null, null);
    }

    private static io.backupkit.spi.Connection connection(io.backupkit.api.Server server) {
        return new io.backupkit.spi.Connection(server, null, fingerprint -> { }, io.backupkit.spi.TransportSettings.DEFAULTS);
    }
}
