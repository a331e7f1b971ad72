package io.backupkit.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link EntryNames} keeps every restored entry inside its stage and strips dangerous mode bits. */
final class EntryNamesTest {
    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"a", "a/b/c.txt", "dir/", "données/日本語.txt", "..a", "a..", ".hidden", "a/.b/..c"})
    void acceptsNormalNames(String name) throws IOException {
        Path stage = Files.createDirectory(temp.resolve("stage"));

        Path resolved = EntryNames.resolve(stage, "m", name);

        assertThat(EntryNames.problem(name)).isNull();
        assertThat(resolved).startsWithRaw(stage).isNotEqualTo(stage);
        assertThat(stage.relativize(resolved).toString()).isEqualTo(name.endsWith("/")
                ? name.substring(0, name.length() - 1) : name);
    }

    @Test
    void resolvesAnEntryThroughAnExistingRealDirectory() throws IOException {
        Path stage = Files.createDirectory(temp.resolve("stage"));
        Files.createDirectories(stage.resolve("a/b"));
        Files.writeString(stage.resolve("a/b/c"), "old");

        assertThat(EntryNames.resolve(stage, "m", Entry.file("a/b/c", 1, Instant.EPOCH, 0644)))
                .isEqualTo(stage.resolve("a/b/c"));
    }

    @Test
    void refusesANameThatPassesThroughASymbolicLinkInTheStage() throws IOException {
        Path stage = Files.createDirectory(temp.resolve("stage"));
        Path outside = Files.createDirectory(temp.resolve("outside"));
        Files.createSymbolicLink(stage.resolve("link"), outside);

        assertThatThrownBy(() -> EntryNames.resolve(stage, "m", "link/passwd"))
                .isInstanceOf(IOException.class)
                .hasMessage("Entry 'link/passwd' of module 'm' passes through the symbolic link 'link'");
        assertThatThrownBy(() -> EntryNames.resolve(stage, "m", "link/deeper/passwd"))
                .hasMessage("Entry 'link/deeper/passwd' of module 'm' passes through the symbolic link 'link'");
    }

    @Test
    void refusesANameThatPassesThroughANestedSymbolicLink() throws IOException {
        Path stage = Files.createDirectory(temp.resolve("stage"));
        Files.createDirectories(stage.resolve("a/b"));
        Files.createSymbolicLink(stage.resolve("a/b/up"), temp);

        assertThatThrownBy(() -> EntryNames.resolve(stage, "m", "a/b/up/x"))
                .hasMessage("Entry 'a/b/up/x' of module 'm' passes through the symbolic link 'a/b/up'");
    }

    @Test
    void refusesToReplaceASymbolicLink() throws IOException {
        Path stage = Files.createDirectory(temp.resolve("stage"));
        Files.createSymbolicLink(stage.resolve("passwd"), temp.resolve("outside-file"));

        assertThatThrownBy(() -> EntryNames.resolve(stage, "m", "passwd"))
                .hasMessage("Entry 'passwd' of module 'm' would replace a special file");
    }

    @Test
    void oneResolverStillFindsALinkBesideADirectoryItHasChecked() throws IOException {
        Path stage = Files.createDirectory(temp.resolve("stage"));
        Files.createDirectories(stage.resolve("a/b"));
        Files.createSymbolicLink(stage.resolve("a/up"), temp);
        EntryNames.Resolver resolver = new EntryNames.Resolver();

        assertThat(resolver.resolve(stage, "m", Entry.file("a/b/c", 1, Instant.EPOCH, 0644)))
                .isEqualTo(stage.resolve("a/b/c"));
        // 'a' is remembered as a real directory; its other child is still looked at
        assertThatThrownBy(() -> resolver.resolve(stage, "m", Entry.file("a/up/x", 1, Instant.EPOCH, 0644)))
                .hasMessage("Entry 'a/up/x' of module 'm' passes through the symbolic link 'a/up'");
        assertThatThrownBy(() -> resolver.resolve(stage, "m", Entry.file("a/up", 1, Instant.EPOCH, 0644)))
                .hasMessage("Entry 'a/up' of module 'm' would replace a special file");
    }

    @Test
    void oneResolverChecksWhatIsInsideADirectoryThatExistedBefore() throws IOException {
        Path stage = Files.createDirectory(temp.resolve("stage"));
        Files.createDirectories(stage.resolve("kept"));
        Files.createSymbolicLink(stage.resolve("kept/link"), temp.resolve("outside-file"));
        EntryNames.Resolver resolver = new EntryNames.Resolver();

        // the directory entry's path is taken: it is not new, so its content is still checked
        resolver.resolve(stage, "m", Entry.directory("kept", Instant.EPOCH, 0755));
        assertThatThrownBy(() -> resolver.resolve(stage, "m", Entry.file("kept/link", 1, Instant.EPOCH, 0644)))
                .hasMessage("Entry 'kept/link' of module 'm' would replace a special file");
    }

    @Test
    void oneResolverTrustsTheContentOfADirectoryWhosePathWasFree() throws IOException {
        Path stage = Files.createDirectory(temp.resolve("stage"));
        EntryNames.Resolver resolver = new EntryNames.Resolver();

        Path made = resolver.resolve(stage, "m", Entry.directory("new", Instant.EPOCH, 0755));
        Files.createDirectory(made);
        // what only a module could do behind the resolver's back: a link in a directory the restore made
        Files.createSymbolicLink(made.resolve("link"), temp.resolve("outside-file"));

        assertThat(resolver.resolve(stage, "m", Entry.file("new/link", 1, Instant.EPOCH, 0644)))
                .isEqualTo(stage.resolve("new/link"));
        assertThatThrownBy(() -> EntryNames.resolve(stage, "m", "new/link"))
                .hasMessage("Entry 'new/link' of module 'm' would replace a special file");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "..|has a '..' segment",
        "../etc/passwd|has a '..' segment",
        "a/../../etc/passwd|has a '..' segment",
        "a/..|has a '..' segment",
        "./a|has a '.' segment",
        "/etc/passwd|is an absolute name",
        "a//b|has an empty path segment",
        "a\\b|contains a backslash",
    })
    void refusesUnsafeNames(String name, String reason) {
        assertThat(EntryNames.problem(name)).isEqualTo(reason);
        assertThatThrownBy(() -> EntryNames.resolve(temp, "m", name))
                .isInstanceOf(IOException.class)
                .hasMessage("Entry '" + name + "' of module 'm' " + reason);
    }

    @Test
    void refusesEmptyNulAndControlCharacters() {
        assertThat(EntryNames.problem("")).isEqualTo("has an empty name");
        assertThat(EntryNames.problem("a\0b")).isEqualTo("contains NUL");
        assertThat(EntryNames.problem("a\nb")).isEqualTo("contains a control character");
        assertThat(EntryNames.problem("a\u007fb")).isEqualTo("contains a control character");
    }

    @Test
    void safeModeStripsSetuidSetgidStickyAndWorldWrite() {
        assertThat(EntryNames.safeMode(04755)).isEqualTo(0755);
        assertThat(EntryNames.safeMode(02755)).isEqualTo(0755);
        assertThat(EntryNames.safeMode(01777)).isEqualTo(0775);
        assertThat(EntryNames.safeMode(0666)).isEqualTo(0664);
        assertThat(EntryNames.safeMode(07777)).isEqualTo(0775);
        assertThat(EntryNames.safeMode(0100644)).isEqualTo(0644);
    }

    @Test
    void safeModeKeepsOrdinaryPermissions() {
        for (int mode : new int[] {0644, 0640, 0600, 0755, 0750, 0700, 0775, 0664, 0}) {
            assertThat(EntryNames.safeMode(mode)).isEqualTo(mode);
        }
    }
}
