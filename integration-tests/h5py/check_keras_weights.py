#!/usr/bin/env python3
"""Independent reader of keras-lite's Keras files, with Debian's python3-h5py.

Usage: check_keras_weights.py MODEL.keras MODEL.weights.h5 EXPECTED.json

Re-derives, from the archive's config.json alone, where Keras 3's saving_lib puts each layer's
variables (layers/<snake_case(class)>[_<n>]/vars/<i>, numbered per class in model order, an empty
"vars" group for the model and for layers without weights), then checks that both the
.weights.h5 file and the model.weights.h5 inside the .keras archive have exactly that layout and
hold, bit for bit, the float32 values keras-lite wrote to EXPECTED.json (a list, in model order, of
{"class_name", "name", "weights": [{"shape", "values"}]}).

Prints one line per check and "N passed, 0 failed" on success; exits 1 on the first failure.
"""
import io
import json
import re
import sys
import zipfile

import h5py
import numpy as np

# Weights per layer class in the models the integration test saves (Keras 3's counts).
WEIGHT_COUNTS = {"InputLayer": 0, "Conv2D": 2, "Dense": 2, "BatchNormalization": 4,
                 "MaxPooling2D": 0, "AveragePooling2D": 0, "Flatten": 0, "Dropout": 0}

# keras-lite adds one root dataset of its own (see WeightsH5.WRITER_MARKER); Keras ignores it.
EXTRA_ROOT = {"keras_lite"}

passed = 0


def check(condition, message):
    global passed
    if not condition:
        print("FAIL: " + message)
        print("%d passed, 1 failed" % passed)
        sys.exit(1)
    passed += 1
    print("ok: " + message)


def snake_case(name):
    # Keras's keras.src.utils.naming.to_snake_case
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def expected_paths(config):
    """Keras 3's object path of each layer of a Sequential config, in model order."""
    assert config["class_name"] == "Sequential", config["class_name"]
    used = {}
    paths = []
    for layer in config["config"]["layers"]:
        cls = layer["class_name"]
        if cls == "InputLayer":
            continue  # Sequential.layers omits its input layer
        name = snake_case(cls)
        if name in used:
            used[name] += 1
            name = "%s_%d" % (name, used[name])
        else:
            used[name] = 0
        paths.append(("layers/" + name, cls))
    return paths


def check_file(h5, label, paths, expected):
    check(set(h5.keys()) - EXTRA_ROOT == {"layers", "vars"},
          "%s: root holds layers and vars (found %s)" % (label, sorted(h5.keys())))
    check(isinstance(h5["vars"], h5py.Group) and len(h5["vars"]) == 0,
          "%s: the model's own vars group is empty" % label)
    check(sorted(h5["layers"].keys()) == sorted(p.split("/")[1] for p, _ in paths),
          "%s: layers/ holds %s" % (label, sorted(p.split("/")[1] for p, _ in paths)))
    for (path, cls), layer in zip(paths, expected):
        check(layer["class_name"] == cls, "%s: %s is a %s" % (label, path, cls))
        vars_group = h5[path + "/vars"]
        count = WEIGHT_COUNTS[cls]
        check(sorted(vars_group.keys()) == [str(i) for i in range(count)],
              "%s: %s/vars holds datasets 0..%d" % (label, path, count - 1))
        check(len(layer["weights"]) == count, "%s: keras-lite wrote %d weights for %s" % (label, count, path))
        for i, weight in enumerate(layer["weights"]):
            ds = vars_group[str(i)]
            check(ds.dtype == np.float32, "%s: %s/vars/%d is float32" % (label, path, i))
            check(list(ds.shape) == weight["shape"],
                  "%s: %s/vars/%d has shape %s" % (label, path, i, weight["shape"]))
            want = np.array(weight["values"], dtype=np.float32).reshape(weight["shape"])
            check(np.array_equal(ds[()], want),
                  "%s: %s/vars/%d holds keras-lite's values bit for bit" % (label, path, i))


def main():
    keras_path, weights_path, expected_path = sys.argv[1:4]
    with open(expected_path) as f:
        expected = json.load(f)
    with zipfile.ZipFile(keras_path) as zf:
        names = zf.namelist()
        check(sorted(names) == ["config.json", "metadata.json", "model.weights.h5"],
              ".keras archive entries are config.json, metadata.json, model.weights.h5 (%s)" % names)
        config = json.loads(zf.read("config.json"))
        metadata = json.loads(zf.read("metadata.json"))
        check("keras_version" in metadata and "date_saved" in metadata,
              "metadata.json has keras_version and date_saved")
        inner = zf.read("model.weights.h5")
    paths = expected_paths(config)
    check(len(paths) == len(expected), "config.json lists the %d layers keras-lite saved" % len(expected))
    with h5py.File(io.BytesIO(inner), "r") as h5:
        check_file(h5, "model.weights.h5 in .keras", paths, expected)
    with h5py.File(weights_path, "r") as h5:
        check_file(h5, ".weights.h5", paths, expected)
    print("%d passed, 0 failed" % passed)


if __name__ == "__main__":
    main()
