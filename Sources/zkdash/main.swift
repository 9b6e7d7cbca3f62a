print("zkdash")
