package io.backupkit.core;

import static io.backupkit.core.EngineFixture.engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.testkit.FakeModule;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Modules found with ServiceLoader through the class loader the host names. */
final class DiscoveryTest {
    @TempDir
    Path dir;

    private ClassLoader loaderListing(String... classes) throws IOException {
        Path services = dir.resolve("cp/META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve("io.backupkit.spi.BackupModule"), String.join("\n", classes) + "\n");
        return new URLClassLoader(new URL[] {dir.resolve("cp").toUri().toURL()}, getClass().getClassLoader());
    }

    @Test
    void findsModulesThroughTheGivenClassLoader() throws IOException {
        ClassLoader loader = loaderListing(ServiceModules.Good.class.getName());

        try (BackupEngine engine = engine(dir.resolve("state")).discover(true).classLoader(loader).build()) {
            assertThat(engine.modules()).containsOnlyKeys("good");
        }
    }

    @Test
    void refusesTwoModulesWithOneShortName() throws IOException {
        ClassLoader loader = loaderListing(ServiceModules.Good.class.getName(), ServiceModules.SameName.class.getName());

        BackupException e = catchThrowableOfType(BackupException.class,
                () -> engine(dir.resolve("state")).discover(true).classLoader(loader).build());

        assertThat(e.getMessage()).isEqualTo("Two modules have the short name 'good': "
                + ServiceModules.Good.class.getName() + " and " + ServiceModules.SameName.class.getName());
    }

    @Test
    void refusesAModuleThatFailsToLoadNamingIt() throws IOException {
        ClassLoader loader = loaderListing(ServiceModules.Broken.class.getName());

        BackupException e = catchThrowableOfType(BackupException.class,
                () -> engine(dir.resolve("state")).discover(true).classLoader(loader).build());

        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(e.getMessage()).startsWith("Cannot load BackupModule '" + ServiceModules.Broken.class.getName() + "'");
    }

    @Test
    void refusesAListedClassThatDoesNotExist() throws IOException {
        ClassLoader loader = loaderListing("com.example.Missing");

        BackupException e = catchThrowableOfType(BackupException.class,
                () -> engine(dir.resolve("state")).discover(true).classLoader(loader).build());

        assertThat(e.getMessage()).startsWith("Cannot load the BackupModule providers: ").contains("com.example.Missing");
    }

    @Test
    void refusesConfigurationForAModuleThatIsNotInstalledOrAKeyItDoesNotRead() {
        BackupException missing = catchThrowableOfType(BackupException.class, () -> engine(dir.resolve("state"))
                .module(new FakeModule("alpha", dir.resolve("a"))).moduleConfig("files", Map.of("root.etc", "/etc"))
                .build());
        BackupException unread = catchThrowableOfType(BackupException.class, () -> engine(dir.resolve("state"))
                .module(new FakeModule("alpha", dir.resolve("a"))).moduleConfig("alpha", Map.of("colour", "blue"))
                .build());

        assertThat(missing.getMessage()).isEqualTo(
                "Configuration is given for module 'files', which is not installed (installed: alpha)");
        assertThat(unread.getMessage()).isEqualTo("Module 'alpha' does not know the configuration keys 'colour'");
    }
}
