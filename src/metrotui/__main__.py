from metrotui.entry import main

main()
