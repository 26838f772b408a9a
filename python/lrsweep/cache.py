"""What is expensive to build (a dataset, a tokenizer, pretrained weights), kept for the next
trial of a warm process (lrsweep.host). In a process that runs one trial it is just `build()`."""

_built = {}


def cache(key, build):
    """`build()` the first time this process asks for `key`, the same object every time after.

        (x_train, y_train), val = lrsweep.cache(("mnist", per_digit), lambda: load_mnist(per_digit))

    The object is shared by every later trial in the process: a trial that changes it in place
    (normalises a tensor, shuffles a list) changes it for the next one. Keys are compared with
    ==, so put in the key every argument that changes what `build` returns."""
    try:
        return _built[key]
    except KeyError:
        value = _built[key] = build()
        return value
