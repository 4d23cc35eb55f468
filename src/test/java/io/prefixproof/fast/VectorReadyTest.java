package io.prefixproof.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The hand-over time that {@code bench} reports as {@code vector_ready_ms} ({@link Gemm#vectorReadyAtMillis}). */
class VectorReadyTest {

  @Test
  @DisplayName("the hand-over time is −1 before the vector kernels take over, then the JVM's uptime at that moment"
      + " (positive, not in the future); 0 only with the warm-up switched off; −1 without the vector module")
  void handOverTime() throws InterruptedException {
    GemmTest.awaitVectorKernels();
    long at = Gemm.vectorReadyAtMillis();
    long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
    if (!Gemm.VECTOR) {
      assertEquals(-1, at);
    } else if (!Boolean.parseBoolean(System.getProperty("prefixproof.vectorWarmup", "true"))) {
      assertEquals(0, at);
    } else {
      // the warm-up may still be racing after the 10 s wait on a loaded machine (−1); once it has finished, the
      // time is an uptime reading taken after the JVM started, so it is at least 1 ms and at most now's
      assertTrue(at == -1 || at > 0 && at <= uptime, "hand-over at " + at + " ms, uptime " + uptime + " ms");
      assertEquals(at, VectorWarmup.readyAtMillis());
    }
  }
}
