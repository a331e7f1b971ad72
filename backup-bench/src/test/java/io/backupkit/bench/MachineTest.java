package io.backupkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

final class MachineTest {
    @Test
    void theCpuIsItsModelNameWithWhatTellsItApartFromTheFirstProcessor() {
        List<String> cpuinfo = List.of(
                "processor\t: 0",
                "vendor_id\t: AuthenticAMD",
                "cpu family\t: 25",
                "model\t\t: 1",
                "model name\t: AMD EPYC",
                "stepping\t: 1",
                "flags\t\t: fpu sse2 aes avx avx2 sha_ni hypervisor",
                "",
                "processor\t: 1",
                "vendor_id\t: GenuineIntel",
                "model name\t: Something else");
        assertThat(Machine.cpu(cpuinfo))
                .isEqualTo("AMD EPYC (AuthenticAMD family 25 model 1 stepping 1; SHA-NI, AES-NI, AVX2; virtual machine)");
    }

    @Test
    void aCpuinfoWithoutTheX86FieldsGivesWhatItHas() {
        assertThat(Machine.cpu(List.of("processor\t: 0", "BogoMIPS\t: 50.00", "Features\t: fp asimd sha2"))).isEqualTo("unknown CPU");
        assertThat(Machine.cpu(List.of())).isEqualTo("unknown CPU");
    }

    @Test
    void thisMachinesCpuHasAName() {
        assertThat(Machine.cpu()).isNotBlank();
    }
}
