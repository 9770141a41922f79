package dev.keraslite.internal.recording;

import java.util.Locale;
import org.tensorflow.DeviceSpec;

/** Parses TensorFlow's device strings ({@code /GPU:0}, {@code /job:w/task:1/device:CPU:0}). */
final class DeviceNames {
  private DeviceNames() {}

  /**
   * The spec of {@code device}.
   *
   * @throws IllegalArgumentException if it is not a device string TensorFlow Java can express
   */
  static DeviceSpec parse(String device) {
    DeviceSpec.Builder spec = DeviceSpec.newBuilder();
    boolean any = false;
    try {
      for (String part : device.split("/")) {
        if (part.isEmpty()) {
          continue;
        }
        String[] f = part.split(":");
        String key = f[0].toLowerCase(Locale.ROOT);
        if (key.equals("job") && f.length == 2) {
          spec.job(f[1]);
        } else if (key.equals("replica") && f.length == 2) {
          spec.replica(Integer.parseInt(f[1]));
        } else if (key.equals("task") && f.length == 2) {
          spec.task(Integer.parseInt(f[1]));
        } else if (key.equals("device") && f.length == 3) {
          type(spec, f[1], f[2]);
        } else if (f.length == 2) {
          type(spec, f[0], f[1]);
        } else {
          throw new IllegalArgumentException("unknown part '" + part + "'");
        }
        any = true;
      }
    } catch (IllegalArgumentException e) {
      throw invalid(device, e.getMessage());
    }
    if (!any) {
      throw invalid(device, "empty");
    }
    return spec.build();
  }

  private static void type(DeviceSpec.Builder spec, String type, String index) {
    spec.deviceType(DeviceSpec.DeviceType.valueOf(type.toUpperCase(Locale.ROOT)));
    if (!index.equals("*")) {
      spec.deviceIndex(Integer.parseInt(index));
    }
  }

  private static IllegalArgumentException invalid(String device, String why) {
    return new IllegalArgumentException(
        "device '" + device + "' is not a TensorFlow device string such as /GPU:0, /CPU:0 or"
            + " /job:worker/task:0/device:GPU:1 (" + why + ")");
  }
}
