"""The LFW face loader, the split and shift helpers, and the position statistics."""

import hashlib

import numpy as np
import pytest

from course_utils.data.faces import (
    CLASS_NAMES,
    LFW_SHA256,
    check_face_images,
    lfw_subset_path,
    load_faces,
    read_lfw_subset,
    shift_images,
    train_test_split,
    translate_images,
)
from course_utils.stats.position_statistics import (
    FACE_REGIONS,
    cell_statistics,
    orientation_histograms,
    position_dependence,
    region_histogram,
)


def test_load_faces_gives_100_faces_then_100_non_faces_in_0_1():
    data = load_faces()
    assert data.images.shape == (200, 25, 25) and data.images.dtype == np.float64
    assert data.labels.tolist() == [1] * 100 + [0] * 100
    assert 0.0 <= data.images.min() and data.images.max() <= 1.0
    assert data.faces.shape == data.non_faces.shape == (100, 25, 25)
    assert CLASS_NAMES[1] == "face"


def test_load_faces_matches_scikit_image():
    from skimage import data

    assert np.array_equal(load_faces().images, np.asarray(data.lfw_subset(), dtype=float))


def test_uint8_copies_are_scaled_to_0_1():
    raw = np.full((200, 25, 25), 255, dtype=np.uint8)
    assert check_face_images(raw).max() == 1.0


@pytest.mark.parametrize(
    "images, fragment",
    [
        (np.zeros((100, 25, 25)), "shape (200, 25, 25)"),
        (np.full((200, 25, 25), -3.0), "values should lie in [0, 1]"),
        (np.full((200, 25, 25), np.nan), "NaN"),
        (np.full((200, 25, 25), "a"), "should hold numbers"),
    ],
)
def test_damaged_data_is_reported(images, fragment):
    with pytest.raises(ValueError) as caught:
        check_face_images(images)
    assert fragment in str(caught.value) and "make clean-venv venv" in str(caught.value)


def test_missing_data_file_gives_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="LFW subset is missing.*make clean-venv venv"):
        read_lfw_subset(tmp_path / "lfw_subset.npy")


def test_a_changed_data_file_is_refused_before_it_is_read(tmp_path):
    changed = tmp_path / "lfw_subset.npy"
    faces = np.load(lfw_subset_path(), allow_pickle=False)
    faces[0, 0, 0] = 0.5  # one pixel
    np.save(changed, faces)
    with pytest.raises(ValueError, match="SHA-256 [0-9a-f]{64}, expected " + LFW_SHA256):
        read_lfw_subset(changed)


def test_the_loader_never_unpickles(tmp_path, monkeypatch):
    # Even a file that passed the hash check could not run code: np.load refuses objects.
    pickled = tmp_path / "lfw_subset.npy"
    np.save(pickled, np.array([{"not": "numbers"}], dtype=object), allow_pickle=True)
    monkeypatch.setattr("course_utils.data.faces.LFW_SHA256",
                        hashlib.sha256(pickled.read_bytes()).hexdigest())
    with pytest.raises(ValueError, match="allow_pickle=False"):
        read_lfw_subset(pickled)


def test_missing_scikit_image_says_how_to_install_it(without_scikit_image):
    with pytest.raises(ImportError, match="make venv"):
        load_faces()


def test_split_is_balanced_disjoint_complete_and_seeded():
    labels = np.r_[np.ones(100, int), np.zeros(100, int)]
    train, test = train_test_split(labels, 25, seed=0)
    assert len(test) == 50 and labels[test].sum() == 25
    assert np.intersect1d(train, test).size == 0 and len(train) + len(test) == 200
    again = train_test_split(labels, 25, seed=0)
    assert np.array_equal(again[1], test)
    assert not np.array_equal(train_test_split(labels, 25, seed=1)[1], test)


def test_split_must_leave_training_examples():
    with pytest.raises(ValueError, match="class 0 has 2 examples"):
        train_test_split(np.array([0, 0, 1, 1, 1]), 2, seed=0)


def test_shift_moves_content_and_repeats_the_edge():
    image = np.arange(25.0).reshape(1, 5, 5)
    moved = shift_images(image, 2, seed=3)
    dy, dx = np.random.default_rng(3).integers(-2, 3, size=(1, 2))[0]
    # an interior pixel lands dy rows down and dx columns right
    assert moved[0, 2 + dy, 2 + dx] == image[0, 2, 2]
    # nothing wraps round: every value comes from the image, and the edge repeats
    assert set(np.unique(moved)) <= set(np.unique(image))
    assert np.array_equal(shift_images(image, 0, seed=3), image)


def test_translate_fills_with_the_edge_or_wraps():
    image = np.arange(9.0).reshape(1, 3, 3)
    assert translate_images(image, (0, 1))[0].tolist() == [[0, 0, 1], [3, 3, 4], [6, 6, 7]]
    assert translate_images(image, (0, 1), fill="wrap")[0].tolist() == [
        [2, 0, 1], [5, 3, 4], [8, 6, 7]]
    assert np.array_equal(translate_images(image, (-1, 0), fill="wrap"), np.roll(image, -1, 1))


def test_random_shifts_with_wrap_keep_every_pixel():
    images = np.random.default_rng(0).random((4, 6, 6))
    moved = shift_images(images, 3, seed=0, fill="wrap")
    assert np.allclose(np.sort(moved.reshape(4, -1)), np.sort(images.reshape(4, -1)))


def test_horizontal_edges_fall_in_one_centred_bin():
    image = np.zeros((1, 6, 6))
    image[:, 3:, :] = 1.0  # a horizontal edge: the gradient points down the rows (90 degrees)
    votes = orientation_histograms(image, bins=8)
    assert votes[..., 4].sum() > 0 and votes.sum() == votes[..., 4].sum()


def test_orientation_histograms_put_vertical_edges_in_bin_0():
    image = np.zeros((1, 6, 6))
    image[:, :, 3:] = 1.0  # a vertical edge: the gradient points along the columns
    votes = orientation_histograms(image, bins=8)
    assert votes[..., 0].sum() > 0 and votes[..., 1:].sum() == 0


def test_region_histograms_sum_to_one():
    faces = load_faces().faces
    for region in FACE_REGIONS.values():
        histogram = region_histogram(faces, region)
        assert histogram.shape == (100, 8) and np.allclose(histogram.sum(axis=1), 1.0)


def test_cell_statistics_shape_and_brightness():
    images = np.random.default_rng(0).random((4, 10, 15))
    stats = cell_statistics(images, cell=5)
    assert stats.shape == (4, 2, 3, 9)
    assert np.isclose(stats[2, 1, 2, 0], images[2, 5:10, 10:15].mean())


def test_position_dependence_extremes():
    rng = np.random.default_rng(0)
    same_everywhere = np.repeat(rng.random((50, 1, 3)), 9, axis=1)  # depends on image only
    assert position_dependence(same_everywhere) == pytest.approx(0.0)
    by_position = np.repeat(rng.random((1, 9, 3)), 50, axis=0)     # depends on position only
    assert position_dependence(by_position) == pytest.approx(1.0)


def test_centred_faces_depend_on_position_more_than_shifted_faces_or_non_faces():
    data = load_faces()
    centred = position_dependence(cell_statistics(data.faces))
    shifted = position_dependence(cell_statistics(shift_images(data.faces, 6, seed=0)))
    background = position_dependence(cell_statistics(data.non_faces))
    assert centred > 1.5 * shifted and centred > 3 * background


@pytest.mark.parametrize(
    "call, error, fragment",
    [
        (lambda: shift_images(np.zeros((5, 5)), 1, seed=0), ValueError, "(N, H, W)"),
        (lambda: shift_images(np.zeros((1, 5, 5)), 5, seed=0), ValueError, "max_shift"),
        (lambda: translate_images(np.zeros((1, 5, 5)), (0, 1), fill="zeros"), ValueError,
         "fill must be 'edge' or 'wrap'"),
        (lambda: translate_images(np.zeros((1, 5, 5)), (5, 0)), ValueError, "shift must be"),
        (lambda: region_histogram(np.zeros((1, 5, 5)), (3, 3, 4, 4)), ValueError, "inside"),
        (lambda: cell_statistics(np.zeros((1, 7, 7)), cell=5), ValueError, "cell must divide"),
        (lambda: position_dependence(np.zeros((3, 4))), ValueError, "positions"),
        (lambda: orientation_histograms(np.zeros((1, 5, 5)), bins=0), ValueError, "bins"),
    ],
)
def test_errors_name_the_argument(call, error, fragment):
    with pytest.raises(error) as caught:
        call()
    assert fragment in str(caught.value), str(caught.value)


def test_stratified_folds_give_disjoint_balanced_test_sets():
    from course_utils import stratified_folds

    labels = np.array([0] * 10 + [1] * 10)
    folds = stratified_folds(labels, 5, seed=3)
    assert len(folds) == 5
    tests = np.concatenate([test for _, test in folds])
    assert sorted(tests) == list(range(20))  # every example tested exactly once
    for pool, test in folds:
        assert np.bincount(labels[test]).tolist() == [2, 2]
        assert sorted(np.concatenate([pool, test])) == list(range(20))
    again = stratified_folds(labels, 5, seed=3)
    assert all((a[1] == b[1]).all() for a, b in zip(folds, again))
    other = stratified_folds(labels, 5, seed=4)
    assert any((a[1] != b[1]).any() for a, b in zip(folds, other))


def test_stratified_folds_leave_a_remainder_in_every_pool():
    from course_utils import stratified_folds

    labels = np.array([0] * 7 + [1] * 6)
    folds = stratified_folds(labels, 3, seed=0)
    tested = np.concatenate([test for _, test in folds])
    assert len(tested) == 3 * (2 + 2) and len(np.unique(tested)) == len(tested)
    left_out = np.setdiff1d(np.arange(13), tested)
    assert len(left_out) == 1 and all(left_out[0] in pool for pool, _ in folds)


