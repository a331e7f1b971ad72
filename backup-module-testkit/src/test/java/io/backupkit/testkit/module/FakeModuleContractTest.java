package io.backupkit.testkit.module;

import io.backupkit.spi.BackupModule;
import io.backupkit.testkit.FakeModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The kit's own fake module keeps the module contract (its files named {@code config*} are configuration). */
final class FakeModuleContractTest extends ModuleContractTest {
    @Override
    protected BackupModule createModule(Path workDir) throws Exception {
        FakeModule module = new FakeModule("fake", workDir.resolve("live"));
        module.write("config.ini", "mode=a");
        module.write("data.bin", "payload");
        return module;
    }

    @Override
    protected void changeLiveData(Path workDir) throws Exception {
        Files.writeString(workDir.resolve("live/config.ini"), "mode=b");
        Files.writeString(workDir.resolve("live/data.bin"), "changed");
    }

    @Override
    protected boolean isConfiguration(String key) {
        return key.startsWith("config");
    }

    @Override
    protected Map<String, byte[]> snapshotLiveData(Path workDir) throws Exception {
        return super.snapshotLiveData(workDir.resolve("live"));
    }
}
