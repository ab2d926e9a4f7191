print("csm")
