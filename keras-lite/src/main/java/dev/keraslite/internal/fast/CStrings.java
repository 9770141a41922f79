package dev.keraslite.internal.fast;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * NUL-terminated copies of op type and attribute names, made once per name for the life of the JVM.
 * Passing a {@code String} to a JavaCPP function converts it on every call; these are converted
 * once. Their memory comes from {@code malloc} with no JavaCPP deallocator, so no garbage collection
 * and no caller's {@code PointerScope} can free a name the dispatcher still uses. Names are few (op
 * types and attribute names of the ops a program uses), so the cache stays small.
 */
final class CStrings {
  private static final ConcurrentHashMap<String, BytePointer> CACHE = new ConcurrentHashMap<>();

  private CStrings() {}

  /** The C string for {@code name}. */
  static BytePointer of(String name) {
    BytePointer cached = CACHE.get(name);
    return cached != null ? cached : CACHE.computeIfAbsent(name, CStrings::copy);
  }

  private static BytePointer copy(String name) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    Pointer memory = NativeBuffer.malloc(bytes.length + 1);
    BytePointer string = new BytePointer(memory).capacity(bytes.length + 1);
    string.put(bytes).put(bytes.length, (byte) 0);
    return string;
  }
}
