module kubetopology/testkind/pause

go 1.22
