package polartest_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/polarportal/polar-go/polartest"
)

type pair struct {
	v   int
	err error
}

func collect(seq func(func(int, error) bool), stopAfter int) []pair {
	var got []pair
	for v, err := range seq {
		got = append(got, pair{v, err})
		if len(got) == stopAfter {
			break
		}
	}
	return got
}

func TestSeq(t *testing.T) {
	boom := errors.New("page 3 failed")
	for _, tc := range []struct {
		name      string
		items     []int
		err       error
		stopAfter int
		want      []pair
	}{
		{"items", []int{1, 2, 3}, nil, 0, []pair{{1, nil}, {2, nil}, {3, nil}}},
		{"items then error", []int{1, 2}, boom, 0, []pair{{1, nil}, {2, nil}, {0, boom}}},
		{"error only", nil, boom, 0, []pair{{0, boom}}},
		{"empty", nil, nil, 0, nil},
		{"break", []int{1, 2, 3}, boom, 2, []pair{{1, nil}, {2, nil}}},
		{"break at the error", []int{1}, boom, 2, []pair{{1, nil}, {0, boom}}},
	} {
		seq := polartest.Seq(tc.items, tc.err)
		for run := range 2 { // it can be ranged over again
			if got := collect(seq, tc.stopAfter); !slices.Equal(got, tc.want) {
				t.Errorf("%s, run %d: got %v, want %v", tc.name, run+1, got, tc.want)
			}
		}
	}
}
