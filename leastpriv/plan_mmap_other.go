//go:build !unix

package leastpriv

import "os"

func planMapFile(*os.File) ([]byte, func(), bool) { return nil, nil, false }
