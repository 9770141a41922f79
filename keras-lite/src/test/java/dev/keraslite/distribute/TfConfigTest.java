package dev.keraslite.distribute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** TF_CONFIG as TensorFlow's TFConfigClusterResolver reads it (the documented examples). */
class TfConfigTest {

  @Test
  void threeWorkers() {
    TfConfig c = TfConfig.parse(
        "{\"cluster\": {\"worker\": [\"host1:2222\", \"host2:2222\", \"host3:2222\"]},"
            + " \"task\": {\"type\": \"worker\", \"index\": 1}}");
    assertEquals(List.of("host1:2222", "host2:2222", "host3:2222"), c.cluster().jobs().get("worker"));
    assertEquals("worker", c.taskType());
    assertEquals(1, c.taskIndex());
    assertEquals(1, c.cluster().rankOf("worker", 1));
    assertEquals("/job:worker/replica:0/task:1", c.cluster().tasks().get(1).deviceName());
  }

  @Test
  void chiefHasRankZero() {
    TfConfig c = TfConfig.parse(
        "{\"cluster\": {\"worker\": [\"w0:1\", \"w1:1\"], \"chief\": [\"c:1\"]},"
            + " \"task\": {\"type\": \"chief\", \"index\": 0}}");
    assertEquals(0, c.cluster().rankOf("chief", 0));
    assertEquals(2, c.cluster().rankOf("worker", 1));
    assertEquals(3, c.cluster().size());
  }

  @Test
  void absentOrEmptyMeansOneLocalWorker() {
    assertNull(TfConfig.parse(null).cluster());
    assertNull(TfConfig.parse("").cluster());
    assertNull(TfConfig.parse("{}").cluster());
  }

  @Test
  void rejectsWhatIsNotSupportedOrWrong() {
    var ps = assertThrows(UnsupportedOperationException.class, () -> TfConfig.parse(
        "{\"cluster\": {\"worker\": [\"w:1\"], \"ps\": [\"p:1\"]}, \"task\": {\"type\": \"worker\", \"index\": 0}}"));
    assertTrue(ps.getMessage().contains("'ps'"), ps.getMessage());
    var missing = assertThrows(IllegalArgumentException.class, () -> TfConfig.parse(
        "{\"cluster\": {\"worker\": [\"w:1\"]}, \"task\": {\"type\": \"worker\", \"index\": 3}}"));
    assertTrue(missing.getMessage().contains("worker 3"), missing.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TfConfig.parse("{\"cluster\": "));
    assertThrows(IllegalArgumentException.class, () -> TfConfig.parse(
        "{\"cluster\": {\"worker\": [\"no-port\"]}, \"task\": {\"type\": \"worker\", \"index\": 0}}"));
  }
}
