"""3x3 corner detector that collapses to predicting 0 (Keras 3 port, bug kept).

Origin: seed 002, a translated Stack Overflow question (a Conv2D that should
detect a top-left corner in binary 3x3 images), written for Keras 2/3.

All 512 binary 3x3 images, label 1 for exactly one of them; Conv2D(1, 3x3)
then Conv2D(1, 1x1, hard_sigmoid), MSE, Adam(1e-2), 100 epochs. Hand-set
weights classify every image, but training ends predicting ~0 everywhere.

Bug: the model outputs shape (B, 1, 1, 1) against labels of shape (B,), and
Keras 3 does not reconcile a rank difference of three, so MSE broadcasts to
(B, 1, 1, B) and compares every prediction with every label of its batch
(also: a 1:511 class imbalance, MSE on a classification target, and a
hard_sigmoid whose gradient is exactly 0 below -3).
"""
import numpy

import keras

keras.utils.set_random_seed(1234)


def createModel():
    inp = keras.layers.Input((3, 3, 1))
    cnn = keras.layers.Conv2D(1, (3, 3), activation=None, use_bias=True)(inp)
    cnn = keras.layers.Conv2D(1, (1, 1), activation="hard_sigmoid")(cnn)
    return keras.models.Model(inputs=[inp], outputs=[cnn])


def getData():
    x = []
    y = []
    template = numpy.array([[0, 0, 0], [0, 1, 1], [0, 1, 1]])
    num = [0, 0, 0, 0, 0, 0, 0, 0, 0]
    for i in range(2**9):
        n = numpy.array(num).reshape((3, 3))
        x.append(n)
        if numpy.all(n == template):
            y.append(1)
            print("found")
        else:
            y.append(0)
        s = 0
        j = 0
        while s == 0:
            if num[j] == 0:
                num[j] = 1
                s = 1
            else:
                num[j] = 0
                j += 1
            if j == len(num):
                print(num)
                break
    # x: (512, 3, 3) integers, y: (512,). Keras 3 adds the channel axis of x itself.
    return numpy.array(x), numpy.array(y)


if __name__ == "__main__":
    x_train, y_train = getData()

    # The author's check: hand-set weights that classify all 512 images.
    # (On Keras 3 they score ~0.004 instead of 0: the shape bug at work.)
    mdl_hand = createModel()
    for ws in mdl_hand.get_weights():
        print(ws.shape)
    dw = numpy.array([-100, -100, -100, -100, 10, 10, -100, 10, 10]).reshape((3, 3, 1, 1))
    bw = numpy.array([-35])
    ow = numpy.array([1]).reshape((1, 1, 1, 1))
    obw = numpy.array([0])
    mdl_hand.set_weights([dw, bw, ow, obw])
    mdl_hand.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=1e-7))
    mdl_hand.evaluate(x_train, y_train)

    # The basic training setup.
    model = createModel()
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=1e-2))
    model.fit(x_train, y_train, epochs=100, batch_size=32, verbose=2)

    t0 = numpy.array([[[0, 0, 0], [0, 1, 1], [0, 1, 1]]])
    t1 = numpy.array([[[1, 0, 0], [0, 1, 1], [0, 1, 1]]])
    print(model(t0))
    print(model(t1))
